/**
 * The embedded Alertmanager. The role entry points call createAlertmanager
 * and mount `router` under /api/v2; the ruler's AlertSink is `post`.
 */
export type { AmLogger, LogLevel, AlertmanagerCoreOptions, PostResult } from './alertmanager.js';
export { AlertmanagerCore } from './alertmanager.js';
