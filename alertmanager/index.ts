/**
 * The embedded Alertmanager. The role entry points call createAlertmanager
 * and mount `router`; the ruler's AlertSink is `post`.
 */
export type { Alertmanager, AlertmanagerOptions } from './create.js';
export { createAlertmanager } from './create.js';
export type { AmLogger, LogLevel, AlertmanagerCoreOptions, PostResult } from './alertmanager.js';
export { AlertmanagerCore } from './alertmanager.js';
export type { StoredAlert, IncomingAlert } from './alerts/index.js';
export type { Silence, SilenceMatcher, SilenceState } from './silence/index.js';
export { createV2Router } from './api/index.js';
