/**
 * One cgroup's figures from the v1 hierarchies: the same relative path under
 * each controller's directory. cgroup v1 counts CPU time in nanoseconds
 * (cpuacct.usage, cpu.stat `throttled_time`) and user/system time in USER_HZ
 * ticks (cpuacct.stat), which Linux fixes at 100 per second for user space.
 */
import type { BlockIo } from './block-io.js';
import { parseBlkioThrottle } from './block-io.js';
import type { CgroupStats } from './cgroup-stats.js';
import { V1_UNLIMITED_BYTES, workingSet } from './cgroup-stats.js';
import type { FileReader } from './file-reader.js';
import type { Parsed } from './parsed.js';
import { countLines } from './file-reader.js';
import { flatKeys } from './flat-keyed.js';
import { parseSingleValue } from './single-value.js';

const USER_HZ = 100;

const number = (v: number | 'max' | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

const CPUACCT_STAT = flatKeys('user', 'system');
const CPU_STAT = flatKeys('nr_periods', 'nr_throttled', 'throttled_time');
const MEMORY_STAT = flatKeys(
  ...['rss', 'cache', 'swap', 'mapped_file'].flatMap((k) => [k, `total_${k}`]),
  'total_inactive_file',
);
const OOM_CONTROL = flatKeys('oom_kill');

export function readV1(id: string, dirs: ReadonlyMap<string, string>, walkDir: string, r: FileReader): CgroupStats {
  // This cgroup's directory under each controller, made once for all its files (`id` starts with '/').
  const at = (controller: string): string | undefined => {
    const root = dirs.get(controller);
    return root === undefined ? undefined : `${root}${id}`;
  };
  const cpuacctDir = at('cpuacct');
  const cpuDir = at('cpu');
  const memoryDir = at('memory');
  const blkioDir = at('blkio');
  const pidsDir = at('pids');
  const parse = <T>(dir: string | undefined, name: string, parser: (t: string, f: string) => Parsed<T>) =>
    dir === undefined ? undefined : r.parse(dir, name, parser);
  const single = (dir: string | undefined, name: string) => parse(dir, name, (t, f) => parseSingleValue(t, f, true));

  const [
    usage,
    acctStat,
    cpuStat,
    quota,
    period,
    shares,
    memUsage,
    memMax,
    memLimit,
    memStat,
    failcnt,
    oom,
    hierarchy,
    blkio,
    pids,
    pidsMax,
    procs,
    mtime,
  ] = [
    single(cpuacctDir, 'cpuacct.usage'),
    parse(cpuacctDir, 'cpuacct.stat', CPUACCT_STAT),
    parse(cpuDir, 'cpu.stat', CPU_STAT),
    single(cpuDir, 'cpu.cfs_quota_us'),
    single(cpuDir, 'cpu.cfs_period_us'),
    single(cpuDir, 'cpu.shares'),
    single(memoryDir, 'memory.usage_in_bytes'),
    single(memoryDir, 'memory.max_usage_in_bytes'),
    single(memoryDir, 'memory.limit_in_bytes'),
    parse(memoryDir, 'memory.stat', MEMORY_STAT),
    single(memoryDir, 'memory.failcnt'),
    parse(memoryDir, 'memory.oom_control', OOM_CONTROL),
    single(memoryDir, 'memory.use_hierarchy'),
    readBlkio(blkioDir, r),
    single(pidsDir, 'pids.current'),
    single(pidsDir, 'pids.max'),
    r.text(`${walkDir}${id}`, 'cgroup.procs'),
    r.mtimeMs(`${walkDir}${id}`),
  ];

  const s: CgroupStats = {};
  const ns = number(usage);
  if (ns !== undefined) s.cpuUsageSeconds = ns / 1e9;
  const user = acctStat?.get('user');
  if (user !== undefined) s.cpuUserSeconds = user / USER_HZ;
  const system = acctStat?.get('system');
  if (system !== undefined) s.cpuSystemSeconds = system / USER_HZ;
  const periods = cpuStat?.get('nr_periods');
  if (cpuStat && periods !== undefined) {
    s.cfsPeriods = periods;
    s.cfsThrottledPeriods = cpuStat.get('nr_throttled') ?? 0;
    s.cfsThrottledSeconds = (cpuStat.get('throttled_time') ?? 0) / 1e9;
  }
  const q = number(quota);
  if (q !== undefined && q > 0) s.cpuQuotaUs = q; // -1 means no quota
  const p = number(period);
  if (p !== undefined) s.cpuPeriodUs = p;
  const sh = number(shares);
  if (sh !== undefined) s.cpuShares = sh;

  // With use_hierarchy (forced on by every kernel since 5.x) the total_* keys include descendants, as usage does.
  const prefix = number(hierarchy) === 0 ? '' : 'total_';
  const used = number(memUsage);
  if (used !== undefined) {
    s.memoryUsageBytes = used;
    s.memoryWorkingSetBytes = workingSet(used, memStat?.get('total_inactive_file'));
  }
  const peak = number(memMax);
  if (peak !== undefined) s.memoryMaxUsageBytes = peak;
  if (memStat) {
    s.memoryRssBytes = memStat.get(`${prefix}rss`) ?? 0;
    s.memoryCacheBytes = memStat.get(`${prefix}cache`) ?? 0;
    s.memorySwapBytes = memStat.get(`${prefix}swap`) ?? 0;
    s.memoryMappedFileBytes = memStat.get(`${prefix}mapped_file`) ?? 0;
  }
  const lim = number(memLimit);
  if (lim !== undefined) s.memoryLimitBytes = lim >= V1_UNLIMITED_BYTES ? 0 : lim;
  const fc = number(failcnt);
  if (fc !== undefined) s.memoryFailcnt = fc;
  // `oom_kill` appeared in memory.oom_control with Linux 4.13.
  const kills = oom?.get('oom_kill');
  if (kills !== undefined) s.oomKills = kills;
  if (blkio) s.blockIo = blkio;
  const threads = number(pids);
  if (threads !== undefined) s.threads = threads;
  if (pidsMax !== undefined) s.threadsMax = pidsMax === 'max' ? 0 : pidsMax;
  if (procs !== undefined) s.processes = countLines(procs);
  if (mtime !== undefined) s.startTimeSeconds = Math.floor(mtime / 1000);
  return s;
}

/**
 * cAdvisor counts I/O including descendants (the `_recursive` files); older
 * kernels and some hierarchies only have the plain ones, so those are the fallback.
 */
function readBlkio(dir: string | undefined, r: FileReader): BlockIo | undefined {
  const read = (name: string): { file: string; text: string } | undefined => {
    if (dir === undefined) return undefined;
    const rec = `${name}_recursive`;
    const t = r.text(dir, rec);
    if (t !== undefined) return { file: `${dir}/${rec}`, text: t };
    const t2 = r.text(dir, name);
    return t2 === undefined ? undefined : { file: `${dir}/${name}`, text: t2 };
  };
  const bytes = read('blkio.throttle.io_service_bytes');
  const ops = read('blkio.throttle.io_serviced');
  if (!bytes && !ops) return undefined;
  const io: BlockIo = new Map();
  for (const [got, kind] of [
    [bytes, 'bytes'],
    [ops, 'ops'],
  ] as const) {
    if (!got) continue;
    const p = parseBlkioThrottle(got.text, got.file, kind, io);
    r.problems.push(...p.problems);
  }
  return io;
}
