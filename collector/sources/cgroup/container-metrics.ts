/**
 * CgroupStats → cAdvisor's `container_*` series, with the names, HELP texts,
 * types, units and label names of kubelet's `/metrics/cadvisor` (checked
 * against a Kubernetes 1.34 capture). Every series carries `id` (the cgroup
 * path), `name`, `image`, `namespace`, `pod` and `container`.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { MetricMeta } from '../source.js';
import type { CgroupStats } from './cgroup-stats.js';
import type { Pressure } from './pressure.js';

const gauge = (name: string, help: string): MetricMeta => ({ name, type: 'gauge', help });
const counter = (name: string, help: string): MetricMeta => ({ name, type: 'counter', help });

export const M = {
  cpuUsage: counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.'),
  cpuUser: counter('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.'),
  cpuSystem: counter('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.'),
  cfsPeriods: counter('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.'),
  cfsThrottledPeriods: counter('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.'),
  cfsThrottledSeconds: counter(
    'container_cpu_cfs_throttled_seconds_total',
    'Total time duration the container has been throttled.',
  ),
  specCpuQuota: gauge('container_spec_cpu_quota', 'CPU quota of the container.'),
  specCpuPeriod: gauge('container_spec_cpu_period', 'CPU period of the container.'),
  specCpuShares: gauge('container_spec_cpu_shares', 'CPU share of the container.'),
  specMemoryLimit: gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.'),
  memoryUsage: gauge(
    'container_memory_usage_bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed',
  ),
  memoryMaxUsage: gauge('container_memory_max_usage_bytes', 'Maximum memory usage recorded in bytes'),
  memoryWorkingSet: gauge('container_memory_working_set_bytes', 'Current working set in bytes.'),
  memoryRss: gauge('container_memory_rss', 'Size of RSS in bytes.'),
  memoryCache: gauge('container_memory_cache', 'Number of bytes of page cache memory.'),
  memorySwap: gauge('container_memory_swap', 'Container swap usage in bytes.'),
  memoryMappedFile: gauge('container_memory_mapped_file', 'Size of memory mapped files in bytes.'),
  memoryFailcnt: counter('container_memory_failcnt', 'Number of memory usage hits limits'),
  oomEvents: counter('container_oom_events_total', 'Count of out of memory events observed for the container'),
  cpuWaiting: counter(
    'container_pressure_cpu_waiting_seconds_total',
    'Total time duration tasks in the container have waited due to CPU congestion.',
  ),
  cpuStalled: counter(
    'container_pressure_cpu_stalled_seconds_total',
    'Total time duration no tasks in the container could make progress due to CPU congestion.',
  ),
  memoryWaiting: counter(
    'container_pressure_memory_waiting_seconds_total',
    'Total time duration tasks in the container have waited due to memory congestion.',
  ),
  memoryStalled: counter(
    'container_pressure_memory_stalled_seconds_total',
    'Total time duration no tasks in the container could make progress due to memory congestion.',
  ),
  ioWaiting: counter(
    'container_pressure_io_waiting_seconds_total',
    'Total time duration tasks in the container have waited due to IO congestion.',
  ),
  ioStalled: counter(
    'container_pressure_io_stalled_seconds_total',
    'Total time duration no tasks in the container could make progress due to IO congestion.',
  ),
  fsReadsBytes: counter('container_fs_reads_bytes_total', 'Cumulative count of bytes read'),
  fsWritesBytes: counter('container_fs_writes_bytes_total', 'Cumulative count of bytes written'),
  fsReads: counter('container_fs_reads_total', 'Cumulative count of reads completed'),
  fsWrites: counter('container_fs_writes_total', 'Cumulative count of writes completed'),
  threads: gauge('container_threads', 'Number of threads running inside the container'),
  threadsMax: gauge(
    'container_threads_max',
    'Maximum number of threads allowed inside the container, infinity if value is zero',
  ),
  processes: gauge('container_processes', 'Number of processes running inside the container.'),
  startTime: gauge('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.'),
} as const satisfies Record<string, MetricMeta>;

/** `extraName`/`extraValue`: one label on top of `labels` (cAdvisor's `cpu` and `device`). */
export interface SampleSink {
  add(meta: MetricMeta, labels: Labels, value: number, extraName?: string, extraValue?: string): void;
}

/** Resolves a `maj:min` device key to cAdvisor's `device` label (`/dev/sda`). */
export type DeviceName = (majMin: string) => string;

export function emitContainer(s: CgroupStats, base: Labels, deviceName: DeviceName, out: SampleSink): void {
  const put = (meta: MetricMeta, value: number | undefined, extraName?: string, extraValue?: string): void => {
    if (value !== undefined) out.add(meta, base, value, extraName, extraValue);
  };
  // kubelet's /metrics/cadvisor still labels the total with cpu="total" (per-CPU series are disabled there).
  put(M.cpuUsage, s.cpuUsageSeconds, 'cpu', 'total');
  put(M.cpuUser, s.cpuUserSeconds);
  put(M.cpuSystem, s.cpuSystemSeconds);
  // cAdvisor reports CFS figures only for cgroups with a quota: without one the kernel does not enforce periods.
  if (s.cpuQuotaUs !== undefined) {
    put(M.cfsPeriods, s.cfsPeriods);
    put(M.cfsThrottledPeriods, s.cfsThrottledPeriods);
    put(M.cfsThrottledSeconds, s.cfsThrottledSeconds);
    put(M.specCpuQuota, s.cpuQuotaUs);
  }
  put(M.specCpuPeriod, s.cpuPeriodUs);
  put(M.specCpuShares, s.cpuShares);
  put(M.specMemoryLimit, s.memoryLimitBytes);
  put(M.memoryUsage, s.memoryUsageBytes);
  put(M.memoryMaxUsage, s.memoryMaxUsageBytes);
  put(M.memoryWorkingSet, s.memoryWorkingSetBytes);
  put(M.memoryRss, s.memoryRssBytes);
  put(M.memoryCache, s.memoryCacheBytes);
  put(M.memorySwap, s.memorySwapBytes);
  put(M.memoryMappedFile, s.memoryMappedFileBytes);
  put(M.memoryFailcnt, s.memoryFailcnt);
  put(M.oomEvents, s.oomKills);
  emitPressure(s.pressureCpu, M.cpuWaiting, M.cpuStalled, put);
  emitPressure(s.pressureMemory, M.memoryWaiting, M.memoryStalled, put);
  emitPressure(s.pressureIo, M.ioWaiting, M.ioStalled, put);
  // forEach, not for…of: no iterator result nor [key, value] pair per device (see copyLabelBytes).
  s.blockIo?.forEach((io, majMin) => {
    const device = deviceName(majMin);
    put(M.fsReadsBytes, io.readBytes, 'device', device);
    put(M.fsWritesBytes, io.writeBytes, 'device', device);
    put(M.fsReads, io.reads, 'device', device);
    put(M.fsWrites, io.writes, 'device', device);
  });
  put(M.threads, s.threads);
  put(M.threadsMax, s.threadsMax);
  put(M.processes, s.processes);
  put(M.startTime, s.startTimeSeconds);
}

/** PSI totals are microseconds; cAdvisor maps `some` to "waiting" and `full` to "stalled". */
function emitPressure(
  p: Pressure | undefined,
  waiting: MetricMeta,
  stalled: MetricMeta,
  put: (meta: MetricMeta, value: number | undefined) => void,
): void {
  if (!p) return;
  if (p.someTotalUs !== undefined) put(waiting, p.someTotalUs / 1e6);
  if (p.fullTotalUs !== undefined) put(stalled, p.fullTotalUs / 1e6);
}
