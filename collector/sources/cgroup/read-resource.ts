/**
 * The lean pipeline's part of one cgroup: only what CPU usage and the memory
 * working set need (what metrics.k8s.io serves), 3 files instead of ~17.
 * The figures are computed exactly as readV2/readV1 compute them, so a
 * `resource` and a `full` source together report what one `all` source does.
 *
 * v2: cpu.stat `usage_usec`, memory.current, memory.stat `inactive_file`.
 * v1: cpuacct.usage, memory.usage_in_bytes, memory.stat `total_inactive_file`
 * (cAdvisor's working set, container/libcontainer/handler.go).
 */
import type { CgroupStats } from './cgroup-stats.js';
import { workingSet } from './cgroup-stats.js';
import type { FileReader } from './file-reader.js';
import { flatKeys } from './flat-keyed.js';
import { parseSingleValue } from './single-value.js';

const number = (v: number | 'max' | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const single = (text: string, file: string) => parseSingleValue(text, file, true);

const V2_CPU_STAT = flatKeys('usage_usec');
const V2_MEMORY_STAT = flatKeys('inactive_file');
const V1_MEMORY_STAT = flatKeys('total_inactive_file');

/** Sets the usage and working set the way both hierarchies share. */
function memory(s: CgroupStats, usage: number | undefined, inactiveFile: number | undefined): CgroupStats {
  if (usage !== undefined) {
    s.memoryUsageBytes = usage;
    s.memoryWorkingSetBytes = workingSet(usage, inactiveFile);
  }
  return s;
}

export function readV2Resource(dir: string, r: FileReader): CgroupStats {
  // Consts, not a destructured array (its iterator allocates; see readV2).
  const cpuStat = r.parse(dir, 'cpu.stat', V2_CPU_STAT);
  const current = r.parse(dir, 'memory.current', single);
  const memStat = r.parse(dir, 'memory.stat', V2_MEMORY_STAT);
  const s: CgroupStats = {};
  const usage = cpuStat?.get('usage_usec');
  if (usage !== undefined) s.cpuUsageSeconds = usage / 1e6;
  return memory(s, number(current), memStat?.get('inactive_file'));
}

export function readV1Resource(id: string, dirs: ReadonlyMap<string, string>, r: FileReader): CgroupStats {
  const cpuacct = dirs.get('cpuacct');
  const mem = dirs.get('memory');
  const memDir = mem === undefined ? undefined : `${mem}${id}`;
  const usage = cpuacct === undefined ? undefined : r.parse(`${cpuacct}${id}`, 'cpuacct.usage', single);
  const memUsage = memDir === undefined ? undefined : r.parse(memDir, 'memory.usage_in_bytes', single);
  const memStat = memDir === undefined ? undefined : r.parse(memDir, 'memory.stat', V1_MEMORY_STAT);
  const s: CgroupStats = {};
  const ns = number(usage);
  if (ns !== undefined) s.cpuUsageSeconds = ns / 1e9;
  return memory(s, number(memUsage), memStat?.get('total_inactive_file'));
}
