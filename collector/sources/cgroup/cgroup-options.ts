/**
 * Options of the cgroup source. Paths default to the host's own; in the
 * collector DaemonSet the host's /proc and /sys/fs/cgroup are mounted read-only
 * under e.g. /host and passed here.
 */
import { discoverCgroups, type SharedDiscovery } from './discovery.js';
import type { PodLookup } from './pod-lookup.js';

/**
 * Which series one source produces. `resource` is the lean pipeline's part:
 * `container_cpu_usage_seconds_total` and `container_memory_working_set_bytes`
 * (what metrics.k8s.io serves), read from 3 files per cgroup; `full` every
 * other series; `all` both. A `resource` and a `full` source on one node
 * together produce what one `all` source does, no series twice.
 */
export type CgroupScope = 'all' | 'resource' | 'full';

export interface CgroupOptions {
  /** Default `all`. */
  readonly scope?: CgroupScope;
  /** Where /proc is mounted; `<procPath>/self/mountinfo` and `<procPath>/diskstats` are read. Default `/proc`. */
  readonly procPath?: string;
  /** Where the cgroup filesystem(s) are mounted (`/host/sys/fs/cgroup` in a container). Default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /**
   * Names for pod and container cgroups (see pod-lookup.ts). Without it the
   * `pod` label is the pod UID, `container` the first 12 characters of the
   * container ID and `namespace` is empty.
   */
  readonly podLookup?: PodLookup;
  /** How many directory listings run at once while looking for cgroups. Default 16. */
  readonly readConcurrency?: number;
  /** A walk shared with the node's other cgroup source (see shareDiscovery); by default each source walks. */
  readonly discovery?: SharedDiscovery;
  /**
   * Labels every series carries, after its own: give the pipeline's target labels for this source
   * (job, instance, node) and the pipeline passes each series' label object on as it is, rather
   * than keeping a merged copy of each (13,600 objects on a 110-pod node).
   */
  readonly targetLabels?: Readonly<Record<string, string>>;
  /**
   * Keep each file open between collections and reread it with pread (default true), or open, read
   * and close it every time. Measured on cgroupfs: a kept-open file costs the kernel ~4.7 KiB of
   * unreclaimable slab (charged to the pod under cgroup v2) and saves ~7 µs a read. Worth it for
   * the few files read every 15 s; the full scope's ~7,500 files every 30 s would hold ~35 MB.
   */
  readonly keepFilesOpen?: boolean;
}

export interface ResolvedCgroupOptions {
  readonly scope: CgroupScope;
  readonly procPath: string;
  readonly cgroupRoot: string;
  readonly podLookup: PodLookup | undefined;
  readonly readConcurrency: number;
  readonly discovery: SharedDiscovery;
  readonly targetLabels: Readonly<Record<string, string>> | undefined;
  readonly keepFilesOpen: boolean;
}

export function resolveOptions(o: CgroupOptions = {}): ResolvedCgroupOptions {
  return {
    scope: o.scope ?? 'all',
    procPath: o.procPath ?? '/proc',
    cgroupRoot: o.cgroupRoot ?? '/sys/fs/cgroup',
    podLookup: o.podLookup,
    readConcurrency: Math.max(1, o.readConcurrency ?? 16),
    // Unshared: this source walks the hierarchy itself every collection.
    discovery: o.discovery ?? { discover: discoverCgroups },
    targetLabels: o.targetLabels,
    keepFilesOpen: o.keepFilesOpen ?? true,
  };
}
