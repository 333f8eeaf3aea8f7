/**
 * The embedded Alertmanager: its configuration file (Alertmanager's format) or
 * a default that keeps alerts without notifying anyone, its API v2, and the
 * sink the ruler posts to in-process.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { createAlertmanager, type Alertmanager } from '../../../alertmanager/index.js';
import { loadConfigFile, loadConfigText } from '../../../alertmanager/config/index.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';

const DEFAULT_CONFIG = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';

export async function startEmbeddedAlertmanager(
  config: Config,
  logger: Logger,
  registry: Registry,
  externalUrl: string,
  version: string,
): Promise<Result<Alertmanager | undefined, string>> {
  if (!config.alertmanager.enabled) return ok(undefined);
  const file = config.alertmanager.configFile;
  const loaded = file !== undefined ? await loadConfigFile(file, { readSecretFiles: true }) : loadConfigText('<default>', DEFAULT_CONFIG);
  if (!loaded.ok) return err(`invalid alertmanager configuration: ${loaded.error.located(file ?? '<default>')}`);
  const log = logger.child({ component: 'alertmanager' });
  const am = await createAlertmanager({
    config: loaded.value,
    dataDir: join(config.dataDir, 'alertmanager'),
    registry,
    externalUrl,
    version,
    logger: (level, msg, fields) => log[level](msg, fields),
  });
  if (!am.ok) return err(`cannot start the alertmanager: ${am.error.message}`);
  logger.info('alertmanager started', { config: file ?? 'default (no receivers)' });
  return ok(am.value);
}

/** Re-reads the configuration file; a bad file keeps the running configuration. */
export async function reloadAlertmanager(am: Alertmanager, config: Config, logger: Logger): Promise<void> {
  const file = config.alertmanager.configFile;
  if (file === undefined) return;
  const loaded = await loadConfigFile(file, { readSecretFiles: true });
  if (!loaded.ok) {
    logger.error('reloading the alertmanager configuration failed; the previous one stays', { error: loaded.error.located(file) });
    return;
  }
  const r = await am.reload(loaded.value);
  if (r.ok) logger.info('alertmanager configuration reloaded', { file });
  else logger.error('applying the alertmanager configuration failed; the previous one stays', { error: r.error.message });
}
