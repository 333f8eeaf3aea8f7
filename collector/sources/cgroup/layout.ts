/**
 * Which cgroup hierarchy this node runs, and where each controller's files are.
 *
 * - v2 ("unified"): one tree; mountinfo has a `cgroup2` mount at /sys/fs/cgroup.
 * - v1: one tree per controller set (`cpu,cpuacct`, `memory`, `blkio`, `pids`…).
 * - hybrid: v1 controllers plus a controller-less v2 tree at /sys/fs/cgroup/unified
 *   (systemd's default on older distributions). Metrics then come from v1.
 *
 * Mount points are taken relative to `/sys/fs/cgroup` and re-rooted under the
 * `cgroupRoot` option, so `/host/sys/fs/cgroup` works with the host's mountinfo
 * or with the collector container's own.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { CgroupOptions } from './cgroup-options.js';
import { resolveOptions } from './cgroup-options.js';
import type { CgroupMount } from './mountinfo.js';
import { parseCgroupMounts } from './mountinfo.js';
import { describeError, readText } from './read-file.js';
import type { FileProblem } from './text-lines.js';

export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface CgroupLayout {
  readonly mode: CgroupMode;
  /** v2 and hybrid: the unified tree's directory. */
  readonly unifiedDir?: string;
  /** v1 and hybrid: controller (`cpu`, `cpuacct`, `memory`, `blkio`, `pids`…) → its hierarchy's directory. */
  readonly controllerDirs: ReadonlyMap<string, string>;
  /** The directory whose tree is walked to find containers. */
  readonly walkDir: string;
  /** Lines of mountinfo that could not be read; detection went ahead without them. */
  readonly problems: readonly FileProblem[];
}

const UNDER_SYS_FS_CGROUP = /(?:^|\/)sys\/fs\/cgroup(?:\/(.+))?$/;

/** The mount's directory relative to /sys/fs/cgroup, or undefined for a cgroup mount elsewhere. */
function relativeDir(mount: CgroupMount): string | undefined {
  const m = UNDER_SYS_FS_CGROUP.exec(mount.mountPoint.replace(/\/+$/, ''));
  if (m) return m[1] ?? '';
  // v1 hierarchies mounted elsewhere (/cgroup/memory) keep their last component.
  return mount.version === 1 ? path.basename(mount.mountPoint) : undefined;
}

/**
 * Hierarchies whose tree is walked for containers, best first. Kubelet and
 * the runtimes create every container in all of them, but a capture or a
 * half-configured host may lack some; the first that exists is used.
 */
const WALK_ORDER = ['cpuacct', 'cpu', 'memory', 'pids', 'blkio'] as const;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function pickWalkDir(dirs: ReadonlyMap<string, string>, fallback: string): Promise<string> {
  for (const c of WALK_ORDER) {
    const d = dirs.get(c);
    if (d !== undefined && (await exists(d))) return d;
  }
  return fallback;
}

/** Picks the layout from the mounts; undefined when there is no cgroup mount at all. */
export function layoutFromMounts(
  mounts: readonly CgroupMount[],
  cgroupRoot: string,
): Omit<CgroupLayout, 'problems'> | undefined {
  const controllerDirs = new Map<string, string>();
  let unifiedRel: string | undefined;
  for (const m of mounts) {
    const rel = relativeDir(m);
    if (rel === undefined) continue;
    if (m.version === 2) {
      // Several cgroup2 mounts of the same tree are common (bind mounts into containers); prefer the canonical one.
      if (unifiedRel === undefined || rel === '') unifiedRel = rel;
      continue;
    }
    for (const c of m.controllers) if (!controllerDirs.has(c)) controllerDirs.set(c, path.join(cgroupRoot, rel));
  }
  if (controllerDirs.size > 0) {
    const walkDir = controllerDirs.get(WALK_ORDER[0]) ?? [...controllerDirs.values()][0] ?? cgroupRoot;
    if (unifiedRel === undefined) return { mode: 'v1', controllerDirs, walkDir };
    return { mode: 'hybrid', unifiedDir: path.join(cgroupRoot, unifiedRel), controllerDirs, walkDir };
  }
  if (unifiedRel === undefined) return undefined;
  const unifiedDir = path.join(cgroupRoot, unifiedRel);
  return { mode: 'v2', unifiedDir, controllerDirs, walkDir: unifiedDir };
}

/**
 * Reads `<procPath>/self/mountinfo`; without a readable one (or without cgroup
 * mounts in it) falls back to looking for `<cgroupRoot>/cgroup.controllers`,
 * which only a v2 root has.
 *
 * @example
 * const layout = await detectCgroupLayout({ procPath: '/host/proc', cgroupRoot: '/host/sys/fs/cgroup' });
 * if (layout.ok) console.log(layout.value.mode); // 'v1' | 'v2' | 'hybrid'
 */
export async function detectCgroupLayout(
  paths: Pick<CgroupOptions, 'procPath' | 'cgroupRoot'> = {},
): Promise<Result<CgroupLayout, Error>> {
  const options = resolveOptions(paths);
  const file = path.join(options.procPath, 'self', 'mountinfo');
  const text = await readText(file);
  let problems: readonly FileProblem[] = [];
  let why: string;
  if (text.ok) {
    const mounts = parseCgroupMounts(text.value, file);
    problems = mounts.problems;
    const layout = layoutFromMounts(mounts.value, options.cgroupRoot);
    if (layout && layout.mode !== 'v2') {
      return ok({ ...layout, walkDir: await pickWalkDir(layout.controllerDirs, layout.walkDir), problems });
    }
    if (layout) return ok({ ...layout, problems });
    why = `${file} lists no cgroup or cgroup2 mount`;
  } else {
    why = `${file}: ${describeError(text.error)}`;
  }
  const controllers = path.join(options.cgroupRoot, 'cgroup.controllers');
  if (await exists(controllers)) {
    return ok({
      mode: 'v2',
      unifiedDir: options.cgroupRoot,
      controllerDirs: new Map(),
      walkDir: options.cgroupRoot,
      problems,
    });
  }
  return err(new Error(`cannot tell the cgroup layout: ${why}, and ${controllers} does not exist`));
}
