export type { NflogEntry, NflogOptions } from './nflog.js';
export { NotificationLog } from './nflog.js';
export { JsonFile } from './json-file.js';
