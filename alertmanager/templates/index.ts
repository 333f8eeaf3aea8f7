export type { TemplateData, DataAlert } from './template-data.js';
export { templateData, alertJson, commonPairs } from './template-data.js';
export { goTimeJson, GO_ZERO_TIME } from './go-time.js';
export { NotificationTemplate, goData, kv } from './notification-template.js';
export { alertmanagerFunctions, humanizeDuration } from './functions.js';
export type { GoTime, GoDuration } from './go-time-value.js';
export { goTime, formatGoTime, formatGoDurationMs, goDurationValue } from './go-time-value.js';
