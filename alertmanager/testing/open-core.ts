/** For tests: an AlertmanagerCore on a loaded config, stopped by the caller's cleanups; any error throws. */
import { AlertmanagerCore, type AlertmanagerCoreOptions } from '../alertmanager.js';
import type { LoadedConfig } from '../config/index.js';
import type { Result } from '../result.js';

export async function openTestCore(
  loaded: Result<LoadedConfig, Error>,
  options: Omit<AlertmanagerCoreOptions, 'config'>,
  cleanups: (() => unknown)[],
): Promise<AlertmanagerCore> {
  if (!loaded.ok) throw loaded.error;
  const am = await AlertmanagerCore.open({ config: loaded.value, ...options });
  if (!am.ok) throw am.error;
  cleanups.push(() => am.value.stop());
  return am.value;
}
