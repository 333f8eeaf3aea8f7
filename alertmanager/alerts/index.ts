export type { StoredAlert, IncomingAlert } from './alert.js';
export { normalizeAlert, mergeAlerts, resolvedAt, validateAlert } from './alert.js';
export { fingerprint, labelSetString } from './fingerprint.js';
export type { AlertListener } from './store.js';
export { AlertStore } from './store.js';
