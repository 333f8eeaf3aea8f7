/**
 * Options of the procfs source. The defaults are node-exporter's upstream
 * defaults (Debian patches some of them; see docs/node-exporter-comparison.md),
 * so that dashboards and alerts written for node-exporter see the same series.
 */
import type { StatfsFn } from './filesystem.js';
import { realStatfs } from './filesystem.js';
import { DEFAULT_NETSTAT_FIELDS } from './netstat.js';
import { DEFAULT_VMSTAT_FIELDS } from './vmstat.js';

/**
 * Which files one source reads. `resource` is the lean pipeline's part, /proc/stat and
 * /proc/meminfo (node CPU and memory, as metrics.k8s.io needs them) with everything they
 * yield; `full` is every other file; `all` both. A `resource` and a `full` source on the
 * same node together produce the series of one `all` source, none of them twice.
 */
export type ProcfsScope = 'all' | 'resource' | 'full';

export interface ProcfsOptions {
  /** Default `all`. */
  readonly scope?: ProcfsScope;
  /** Where the host's /proc is mounted (`/host/proc` in a container). Default `/proc`. */
  readonly procPath?: string;
  /** Where the host's /sys is mounted. Default `/sys`. */
  readonly sysPath?: string;
  /** Where the host's root filesystem is mounted: statfs and /etc/os-release are read under it. Default `/`. */
  readonly rootfsPath?: string;
  /** Block devices left out of node_disk_* (partitions, loop and RAM disks by default). */
  readonly diskDeviceExclude?: RegExp;
  /** Interfaces left out of /proc/net/dev metrics; none by default, as upstream. */
  readonly netDeviceExclude?: RegExp;
  /** Interfaces left out of node_network_up/info; none by default. */
  readonly netclassDeviceExclude?: RegExp;
  readonly mountPointsExclude?: RegExp;
  readonly fsTypesExclude?: RegExp;
  /** /proc/vmstat fields exported as node_vmstat_*. */
  readonly vmstatFields?: RegExp;
  /** `<Proto>_<Field>` names exported as node_netstat_*. */
  readonly netstatFields?: RegExp;
  /** How long one statfs may take before its mount is reported with device_error 1. Default 5000 (node-exporter's mount-timeout). */
  readonly statfsTimeoutMs?: number;
  readonly statfs?: StatfsFn;
  /** Multiplier for the page counts in /proc/net/sockstat; detected from /proc/self/smaps when absent. */
  readonly pageSizeBytes?: number;
  /** ms since epoch; node_time_seconds is clock()/1000. */
  readonly clock?: () => number;
}

export const DEFAULT_DISK_DEVICE_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;
export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
export const DEFAULT_FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

export type ResolvedProcfsOptions = Required<
  Omit<ProcfsOptions, 'netDeviceExclude' | 'netclassDeviceExclude' | 'pageSizeBytes'>
> &
  Pick<ProcfsOptions, 'netDeviceExclude' | 'netclassDeviceExclude' | 'pageSizeBytes'>;

export function resolveOptions(o: ProcfsOptions = {}): ResolvedProcfsOptions {
  return {
    scope: o.scope ?? 'all',
    procPath: o.procPath ?? '/proc',
    sysPath: o.sysPath ?? '/sys',
    rootfsPath: o.rootfsPath ?? '/',
    diskDeviceExclude: o.diskDeviceExclude ?? DEFAULT_DISK_DEVICE_EXCLUDE,
    netDeviceExclude: o.netDeviceExclude,
    netclassDeviceExclude: o.netclassDeviceExclude,
    mountPointsExclude: o.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE,
    fsTypesExclude: o.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE,
    vmstatFields: o.vmstatFields ?? DEFAULT_VMSTAT_FIELDS,
    netstatFields: o.netstatFields ?? DEFAULT_NETSTAT_FIELDS,
    statfsTimeoutMs: o.statfsTimeoutMs ?? 5000,
    statfs: o.statfs ?? realStatfs,
    pageSizeBytes: o.pageSizeBytes,
    clock: o.clock ?? Date.now,
  };
}
