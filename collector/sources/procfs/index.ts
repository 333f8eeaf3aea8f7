export { createProcfsSource } from './procfs-source.js';
export type { ProcfsOptions, ProcfsScope } from './procfs-options.js';
export {
  DEFAULT_DISK_DEVICE_EXCLUDE,
  DEFAULT_FS_TYPES_EXCLUDE,
  DEFAULT_MOUNT_POINTS_EXCLUDE,
} from './procfs-options.js';
export { DEFAULT_NETSTAT_FIELDS } from './netstat.js';
export { DEFAULT_VMSTAT_FIELDS } from './vmstat.js';
export type { StatfsFn, StatfsResult } from './filesystem.js';
