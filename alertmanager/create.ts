/**
 * The embedded Alertmanager as the role entry points use it: one call that
 * opens the data directory and returns the API v2 router, the in-process
 * AlertSink for the ruler, reload and stop.
 */
import type { Router } from 'express';
import type { Alert } from '../collector/ruler/alert.js';
import { AlertmanagerCore, type AlertmanagerCoreOptions } from './alertmanager.js';
import { createV2Router } from './api/index.js';
import type { LoadedConfig } from './config/index.js';
import type { Result } from './result.js';
import { ok, err } from './result.js';

/** What the embedding role sets of the core's options (config loaded with readSecretFiles: true to check `*_file` secrets at start). */
export interface AlertmanagerOptions
  extends Pick<AlertmanagerCoreOptions, 'config' | 'dataDir' | 'clock' | 'logger' | 'registry' | 'externalUrl'> {
  /** Shown in /api/v2/status versionInfo.version. */
  readonly version?: string;
}

export interface Alertmanager {
  /** API v2 with full paths (`/api/v2/...`); mount at `/`. */
  readonly router: Router;
  /** The ruler's AlertSink; invalid alerts are logged and skipped. */
  post(alerts: readonly Alert[]): Promise<void>;
  /** Applies a new config; on error (e.g. a broken template file) the old one stays. */
  reload(config: LoadedConfig): Promise<Result<void, Error>>;
  stop(): Promise<void>;
  /** The parts behind the API, for tests and the dashboard. */
  readonly core: AlertmanagerCore;
}

/**
 * @example
 * const loaded = await loadConfigFile('alertmanager.yml', { readSecretFiles: true });
 * const am = await createAlertmanager({ config: loaded.value, dataDir: './data/alertmanager', externalUrl: 'http://127.0.0.1:9470' });
 * if (am.ok) { app.use(am.value.router); ruler.sink = am.value.post; }
 */
export async function createAlertmanager(o: AlertmanagerOptions): Promise<Result<Alertmanager, Error>> {
  const core = await AlertmanagerCore.open(o);
  if (!core.ok) return err(core.error);
  const am = core.value;
  return ok({
    router: createV2Router(am, { version: o.version }),
    post: (alerts) => am.post(alerts),
    reload: (config) => am.reload(config),
    stop: () => am.stop(),
    core: am,
  });
}
