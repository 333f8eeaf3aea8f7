/**
 * The cgroup mounts listed in /proc/<pid>/mountinfo (proc(5)):
 *   37 30 0:34 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
 *   31 30 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup rw
 * Fields after the optional ones are separated by a lone `-`: filesystem type,
 * source, super options. For v1 the super options name the controllers.
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, numberedLines, quote } from './text-lines.js';

export interface CgroupMount {
  readonly version: 1 | 2;
  /** As mountinfo spells it, octal escapes (`\040`) decoded. */
  readonly mountPoint: string;
  /** v1 only: the controllers of this hierarchy (`name=systemd` and other named hierarchies have none). */
  readonly controllers: readonly string[];
}

/** Controllers the kernel can attach to a v1 hierarchy; other super options are mount flags. */
const V1_CONTROLLERS = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'blkio',
  'pids',
  'devices',
  'freezer',
  'hugetlb',
  'net_cls',
  'net_prio',
  'perf_event',
  'rdma',
  'misc',
]);

const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

export function parseCgroupMounts(text: string, file: string): Parsed<CgroupMount[]> {
  const mounts: CgroupMount[] = [];
  const problems: FileProblem[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    const f = fields(line);
    const dash = f.indexOf('-', 6);
    const mountPoint = f[4];
    const fsType = dash > 0 ? f[dash + 1] : undefined;
    if (mountPoint === undefined || fsType === undefined) {
      problems.push({
        place: `${file}:${no}`,
        message: `expected "<id> <parent> <dev> <root> <mount point> <options> … - <type> <source> <super options>", got ${quote(line)}`,
      });
      continue;
    }
    if (fsType === 'cgroup2') mounts.push({ version: 2, mountPoint: unescape(mountPoint), controllers: [] });
    if (fsType !== 'cgroup') continue;
    const superOptions = (f[dash + 3] ?? '').split(',');
    mounts.push({
      version: 1,
      mountPoint: unescape(mountPoint),
      controllers: superOptions.filter((o) => V1_CONTROLLERS.has(o)),
    });
  }
  return parsed(mounts, problems);
}
