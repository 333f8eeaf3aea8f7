/**
 * One cgroup's figures from the unified (v2) hierarchy. cgroup v2 counts CPU time in microseconds (cpu.stat `usage_usec`,
 * `throttled_usec`) and PSI totals in microseconds too.
 */
import { parseIoStat } from './block-io.js';
import type { CgroupStats } from './cgroup-stats.js';
import { weightToShares, workingSet } from './cgroup-stats.js';
import type { FileReader } from './file-reader.js';
import { countLines } from './file-reader.js';
import { flatKeys } from './flat-keyed.js';
import { parsePressure } from './pressure.js';
import { parseCpuMax, parseSingleValue } from './single-value.js';

const number = (v: number | 'max' | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
/** v2 limits say `max` for none; cAdvisor reports no limit as 0. */
const limit = (v: number | 'max' | undefined): number | undefined => (v === 'max' ? 0 : v);

const CPU_STAT = flatKeys('usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec');
const MEMORY_STAT = flatKeys('anon', 'file', 'file_mapped', 'inactive_file');
const MEMORY_EVENTS = flatKeys('max', 'oom_kill');

export function readV2(dir: string, r: FileReader): CgroupStats {
  const single = (text: string, file: string) => parseSingleValue(text, file, true);
  // One const each, not an array destructured: that goes through the array's iterator (see copyLabelBytes).
  const cpuStat = r.parse(dir, 'cpu.stat', CPU_STAT);
  const cpuMax = r.parse(dir, 'cpu.max', parseCpuMax);
  const weight = r.parse(dir, 'cpu.weight', single);
  const current = r.parse(dir, 'memory.current', single);
  const max = r.parse(dir, 'memory.max', single);
  // memory.peak exists from Linux 5.19; before that cAdvisor reports 0.
  const peak = r.parse(dir, 'memory.peak', single);
  const memStat = r.parse(dir, 'memory.stat', MEMORY_STAT);
  const events = r.parse(dir, 'memory.events', MEMORY_EVENTS);
  const swap = r.parse(dir, 'memory.swap.current', single);
  const pCpu = r.parse(dir, 'cpu.pressure', parsePressure);
  const pMem = r.parse(dir, 'memory.pressure', parsePressure);
  const pIo = r.parse(dir, 'io.pressure', parsePressure);
  const io = r.parse(dir, 'io.stat', parseIoStat);
  const pids = r.parse(dir, 'pids.current', single);
  const pidsMax = r.parse(dir, 'pids.max', single);
  const procs = r.text(dir, 'cgroup.procs');
  const mtime = r.mtimeMs(dir);

  const s: CgroupStats = {};
  if (cpuStat) {
    const usage = cpuStat.get('usage_usec');
    if (usage !== undefined) s.cpuUsageSeconds = usage / 1e6;
    const user = cpuStat.get('user_usec');
    if (user !== undefined) s.cpuUserSeconds = user / 1e6;
    const system = cpuStat.get('system_usec');
    if (system !== undefined) s.cpuSystemSeconds = system / 1e6;
    const periods = cpuStat.get('nr_periods');
    if (periods !== undefined) {
      s.cfsPeriods = periods;
      s.cfsThrottledPeriods = cpuStat.get('nr_throttled') ?? 0;
      s.cfsThrottledSeconds = (cpuStat.get('throttled_usec') ?? 0) / 1e6;
    }
  }
  if (cpuMax) {
    s.cpuPeriodUs = cpuMax.periodUs;
    if (cpuMax.quotaUs !== undefined) s.cpuQuotaUs = cpuMax.quotaUs;
  }
  const w = number(weight);
  if (w !== undefined) s.cpuShares = weightToShares(w);

  const usage = number(current);
  if (usage !== undefined) {
    s.memoryUsageBytes = usage;
    s.memoryWorkingSetBytes = workingSet(usage, memStat?.get('inactive_file'));
    s.memoryMaxUsageBytes = number(peak) ?? 0;
  }
  if (memStat) {
    s.memoryRssBytes = memStat.get('anon') ?? 0;
    s.memoryCacheBytes = memStat.get('file') ?? 0;
    s.memoryMappedFileBytes = memStat.get('file_mapped') ?? 0;
  }
  const swapBytes = number(swap);
  if (swapBytes !== undefined) s.memorySwapBytes = swapBytes;
  const memLimit = limit(max);
  if (memLimit !== undefined) s.memoryLimitBytes = memLimit;
  if (events) {
    s.oomKills = events.get('oom_kill') ?? 0;
    // runc counts v2's "hit the limit" events (memory.events `max`) as the failure count.
    s.memoryFailcnt = events.get('max') ?? 0;
  }
  if (pCpu) s.pressureCpu = pCpu;
  if (pMem) s.pressureMemory = pMem;
  if (pIo) s.pressureIo = pIo;
  if (io) s.blockIo = io;
  const threads = number(pids);
  if (threads !== undefined) s.threads = threads;
  const threadsMax = limit(pidsMax);
  if (threadsMax !== undefined) s.threadsMax = threadsMax;
  if (procs !== undefined) s.processes = countLines(procs);
  if (mtime !== undefined) s.startTimeSeconds = Math.floor(mtime / 1000);
  return s;
}
