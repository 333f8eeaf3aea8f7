/**
 * One cgroup's figures in cAdvisor's units (seconds, bytes, counts), whichever
 * hierarchy they came from. A field is absent when its file was; the metrics
 * step then writes no series for it.
 */
import type { BlockIo } from './block-io.js';
import type { Pressure } from './pressure.js';

export interface CgroupStats {
  cpuUsageSeconds?: number;
  cpuUserSeconds?: number;
  cpuSystemSeconds?: number;
  cfsPeriods?: number;
  cfsThrottledPeriods?: number;
  cfsThrottledSeconds?: number;
  /** CFS quota in µs; absent when unlimited. */
  cpuQuotaUs?: number;
  cpuPeriodUs?: number;
  /** v1 cpu.shares, or v2 cpu.weight converted back to shares. */
  cpuShares?: number;
  memoryUsageBytes?: number;
  memoryMaxUsageBytes?: number;
  memoryWorkingSetBytes?: number;
  memoryRssBytes?: number;
  memoryCacheBytes?: number;
  memorySwapBytes?: number;
  memoryMappedFileBytes?: number;
  memoryFailcnt?: number;
  /** 0 when unlimited, as cAdvisor reports it. */
  memoryLimitBytes?: number;
  oomKills?: number;
  pressureCpu?: Pressure;
  pressureMemory?: Pressure;
  pressureIo?: Pressure;
  blockIo?: BlockIo;
  /** pids.current: cAdvisor's "threads" (the pids controller counts tasks). */
  threads?: number;
  /** pids.max; 0 when unlimited. */
  threadsMax?: number;
  /** Lines of cgroup.procs. */
  processes?: number;
  /** The cgroup directory's modification time, whole seconds since epoch (cAdvisor's creation time). */
  startTimeSeconds?: number;
}

/**
 * Working set as cAdvisor computes it (`container/libcontainer/handler.go`):
 * usage minus inactive file pages (v1 `total_inactive_file`, v2
 * `inactive_file`), which the kernel can drop at once, floored at 0.
 */
export function workingSet(usageBytes: number, inactiveFileBytes: number | undefined): number {
  if (inactiveFileBytes === undefined) return usageBytes;
  return usageBytes < inactiveFileBytes ? 0 : usageBytes - inactiveFileBytes;
}

/**
 * cgroup v2 `cpu.weight` (1–10000) back to v1 shares (2–262144), the inverse
 * of the mapping kubelet and runc use to write it; cAdvisor reports shares.
 */
export function weightToShares(weight: number): number {
  return 2 + Math.floor(((weight - 1) * 262142) / 9999);
}

/** v1 reports "no memory limit" as a page-rounded INT64_MAX; anything above 2^62 is no limit. */
export const V1_UNLIMITED_BYTES = 2 ** 62;
