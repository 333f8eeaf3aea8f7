/**
 * Acceptance test of the cgroup source on this machine's real cgroups. It makes
 * a kubelet-shaped pod of its own (systemd-driver names under a root of its own,
 * so a real kubelet's tree is never touched), puts a CPU burner in one
 * container cgroup and a 200 MiB allocator in another, and checks what the
 * source reports against what the kernel says elsewhere:
 *
 * - CPU: the burner's container usage grows as much as the burner's own
 *   utime+stime in /proc/<pid>/stat (within 10 %);
 * - memory: working set equals the cgroup's usage minus inactive file (within 5 %)
 *   and is close to the 200 MiB the allocator touched;
 * - throttling: with a quota of 20 ms per 100 ms, throttled periods and
 *   throttled seconds grow.
 *
 * It needs root and the cpu, cpuacct and memory controllers (v1 or hybrid) or a
 * v2 tree with cpu and memory delegable. Anything missing FAILS the test with
 * what is missing: CI runs as root on this kind of machine, so a skip would
 * hide a broken environment.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CgroupLayout } from '../collector/sources/cgroup/index.js';
import { createCgroupSource, detectCgroupLayout } from '../collector/sources/cgroup/index.js';
import type { Collection, Source } from '../collector/sources/source.js';

const MIB = 1024 * 1024;
const ALLOC_MIB = 200;
const USER_HZ = 100;

const tag = `kubepulse-test-${randomBytes(4).toString('hex')}`;
const podUid = randomUUID();
const burnerCid = randomBytes(32).toString('hex');
const allocCid = randomBytes(32).toString('hex');
// kind-style nesting: `<prefix>-kubepods.slice` is a kubepods root to the source, and ours alone.
const ROOT = `${tag}-kubepods.slice`;
const POD = `${ROOT}/${tag}-kubepods-pod${podUid.replaceAll('-', '_')}.slice`;
const BURNER = `${POD}/cri-containerd-${burnerCid}.scope`;
const ALLOC = `${POD}/cri-containerd-${allocCid}.scope`;
const LEVELS = [ROOT, POD, BURNER, ALLOC];

let layout: CgroupLayout;
/** Distinct hierarchy directories the test's cgroups were made in (one on v2). */
let hierarchies: string[] = [];
const created: string[] = [];
const children: ChildProcess[] = [];
let source: Source;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function requireController(name: string): string {
  const dir = layout.controllerDirs.get(name);
  if (dir === undefined) {
    const have = [...layout.controllerDirs.keys()].join(', ') || 'none';
    throw new Error(
      `cgroup ${layout.mode}: the "${name}" controller is not mounted (mounted: ${have}); see mount | grep cgroup`,
    );
  }
  return dir;
}

/** The directory of cgroup `rel` in the hierarchy that holds `controller`. */
function dirOf(controller: 'cpu' | 'cpuacct' | 'memory', rel: string): string {
  const base = layout.mode === 'v2' ? (layout.unifiedDir as string) : (layout.controllerDirs.get(controller) as string);
  return path.join(base, rel);
}

async function enterCgroup(rel: string, pid: number): Promise<void> {
  for (const h of hierarchies) {
    const procs = path.join(h, rel, 'cgroup.procs');
    try {
      await writeFile(procs, `${pid}\n`);
    } catch (e) {
      throw new Error(`cannot move pid ${pid} into ${procs}: ${(e as Error).message}`, { cause: e });
    }
  }
}

async function prepare(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`needs root to create cgroups; running as uid ${process.getuid?.()}`);
  const detected = await detectCgroupLayout();
  if (!detected.ok) throw new Error(`no usable cgroup filesystem: ${detected.error.message}`);
  layout = detected.value;
  if (layout.mode === 'v2') {
    const root = layout.unifiedDir as string;
    const controllers = await readFile(path.join(root, 'cgroup.controllers'), 'utf8').catch(() => '');
    for (const c of ['cpu', 'memory']) {
      if (!controllers.split(/\s+/).includes(c)) {
        throw new Error(
          `cgroup v2 at ${root}: the "${c}" controller is not available (cgroup.controllers: "${controllers.trim()}")`,
        );
      }
    }
    hierarchies = [root];
  } else {
    hierarchies = [...new Set(['cpu', 'cpuacct', 'memory'].map(requireController))];
  }
  for (const level of LEVELS) {
    for (const h of hierarchies) {
      const dir = path.join(h, level);
      try {
        await mkdir(dir);
      } catch (e) {
        throw new Error(`cannot create cgroup ${dir}: ${(e as Error).message}`, { cause: e });
      }
      created.push(dir);
      // v2 only lets a cgroup's children use the controllers its subtree_control enables.
      if (layout.mode === 'v2' && level !== BURNER && level !== ALLOC) {
        await writeFile(path.join(h, level, '..', 'cgroup.subtree_control'), '+cpu +memory').catch(() => undefined);
        await writeFile(path.join(dir, 'cgroup.subtree_control'), '+cpu +memory');
      }
    }
  }
  source = createCgroupSource();
}

async function cleanUp(): Promise<void> {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(
    children.map((c) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)),
    ),
  );
  for (const dir of [...created].reverse()) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
        // Something is still inside: hand it back to the hierarchy's root, then retry.
        const root = hierarchies.find((h) => dir.startsWith(h + '/'));
        const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
        for (const pid of procs.split('\n').filter(Boolean)) {
          if (root) await writeFile(path.join(root, 'cgroup.procs'), pid).catch(() => undefined);
        }
        await sleep(50);
      }
    }
  }
}

/** The burner cgroup's throttled time straight from cpu.stat (v1 ns, v2 µs), in seconds. */
async function rawThrottledSeconds(): Promise<number> {
  const stat = await readFile(path.join(dirOf('cpu', BURNER), 'cpu.stat'), 'utf8');
  const v1 = /^throttled_time (\d+)$/m.exec(stat);
  const v2 = /^throttled_usec (\d+)$/m.exec(stat);
  if (layout.mode !== 'v2' && v1) return Number(v1[1]) / 1e9;
  if (v2) return Number(v2[1]) / 1e6;
  throw new Error(`no throttled time in ${path.join(dirOf('cpu', BURNER), 'cpu.stat')}: ${JSON.stringify(stat)}`);
}

/** utime + stime of `pid` in seconds. */
async function procCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
  return (Number(f[11]) + Number(f[12])) / USER_HZ;
}

function value(c: Collection, rel: string, name: string): number | undefined {
  return c.samples.find((s) => s.labels.id === `/${rel}` && s.labels.__name__ === name)?.value;
}

function must(c: Collection, rel: string, name: string): number {
  const v = value(c, rel, name);
  if (v === undefined) {
    const ids = [...new Set(c.samples.map((s) => s.labels.id))].filter((id) => id?.includes(tag));
    throw new Error(
      `no ${name} for /${rel}; series of this test's cgroups: ${ids.join(', ') || 'none'}; problems: ${JSON.stringify(c.problems.slice(0, 5))}`,
    );
  }
  return v;
}

/** Starts a child process that afterAll kills, whatever happens. */
function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`child did not print "${line}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('cgroup source on this machine', () => {
  let burner: ChildProcess;
  let allocator: ChildProcess;

  beforeAll(async () => {
    await prepare();
    burner = start('sh', ['-c', 'while :; do :; done']);
    // The allocator waits until it is in its cgroup: memory is charged where it is first touched.
    allocator = start(process.execPath, [
      '-e',
      `process.stdin.once('data', () => { globalThis.keep = Buffer.alloc(${ALLOC_MIB} * 1024 * 1024, 1); console.log('ready'); setInterval(() => {}, 1000); });`,
    ]);
    await enterCgroup(BURNER, burner.pid as number);
    await enterCgroup(ALLOC, allocator.pid as number);
    const ready = waitForLine(allocator, 'ready', 10_000);
    allocator.stdin?.write('go\n');
    await ready;
  }, 20_000);

  afterAll(cleanUp, 20_000);

  it('reports the burner container CPU as /proc/<pid>/stat counts it (within 10 %)', async () => {
    const c0 = await source.collect();
    const p0 = await procCpuSeconds(burner.pid as number);
    // /proc counts in 10 ms ticks: wait for a second of burner CPU (the machine may be busy), at most 8 s.
    for (let waited = 0; waited < 8000 && (await procCpuSeconds(burner.pid as number)) - p0 < 1; waited += 250) {
      await sleep(250);
    }
    const c1 = await source.collect();
    const p1 = await procCpuSeconds(burner.pid as number);
    const cgroupDelta =
      must(c1, BURNER, 'container_cpu_usage_seconds_total') - must(c0, BURNER, 'container_cpu_usage_seconds_total');
    const procDelta = p1 - p0;
    expect(procDelta, 'the burner got almost no CPU in 8 s').toBeGreaterThan(0.3);
    expect(Math.abs(cgroupDelta - procDelta) / procDelta).toBeLessThan(0.1);
    const labels = c1.samples.find((s) => s.labels.id === `/${BURNER}`)?.labels;
    expect(labels).toMatchObject({ pod: podUid, container: burnerCid.slice(0, 12), name: burnerCid });
  });

  it('reports working set as usage minus inactive file (within 5 %), close to the allocation', async () => {
    const c = await source.collect();
    const ws = must(c, ALLOC, 'container_memory_working_set_bytes');
    const dir = dirOf('memory', ALLOC);
    let own: number;
    if (layout.mode === 'v2') {
      const usage = Number(await readFile(path.join(dir, 'memory.current'), 'utf8'));
      const inactive = Number(
        /^inactive_file (\d+)$/m.exec(await readFile(path.join(dir, 'memory.stat'), 'utf8'))?.[1],
      );
      own = usage - inactive;
    } else {
      const usage = Number(await readFile(path.join(dir, 'memory.usage_in_bytes'), 'utf8'));
      const inactive = Number(
        /^total_inactive_file (\d+)$/m.exec(await readFile(path.join(dir, 'memory.stat'), 'utf8'))?.[1],
      );
      own = usage - inactive;
    }
    expect(Math.abs(ws - own) / own).toBeLessThan(0.05);
    expect(ws).toBeGreaterThan(ALLOC_MIB * MIB * 0.95);
    expect(ws).toBeLessThan((ALLOC_MIB + 64) * MIB);
    expect(must(c, ALLOC, 'container_memory_rss')).toBeGreaterThan(ALLOC_MIB * MIB * 0.95);
  });

  it('reports growing throttled periods and seconds once a 20 % quota is set', async () => {
    if (layout.mode === 'v2') await writeFile(path.join(dirOf('cpu', BURNER), 'cpu.max'), '20000 100000');
    else {
      await writeFile(path.join(dirOf('cpu', BURNER), 'cpu.cfs_period_us'), '100000');
      await writeFile(path.join(dirOf('cpu', BURNER), 'cpu.cfs_quota_us'), '20000');
    }
    await sleep(300);
    const c0 = await source.collect();
    const t0 = Date.now();
    await sleep(2500);
    const before = await rawThrottledSeconds();
    const c1 = await source.collect();
    const after = await rawThrottledSeconds();
    const seconds = (Date.now() - t0) / 1000;
    expect(must(c1, BURNER, 'container_spec_cpu_quota')).toBe(20000);
    expect(must(c1, BURNER, 'container_spec_cpu_period')).toBe(100000);
    const grew = (name: string) => must(c1, BURNER, name) - must(c0, BURNER, name);
    expect(grew('container_cpu_cfs_periods_total')).toBeGreaterThan(5);
    expect(grew('container_cpu_cfs_throttled_periods_total')).toBeGreaterThan(0);
    expect(grew('container_cpu_cfs_throttled_seconds_total')).toBeGreaterThan(0);
    // Units: the reported seconds lie between the kernel's own figure just before and just after the collection.
    const reported = must(c1, BURNER, 'container_cpu_cfs_throttled_seconds_total');
    expect(reported).toBeGreaterThanOrEqual(before);
    expect(reported).toBeLessThanOrEqual(after);
    // 20 ms per 100 ms: the burner gets at most about a fifth of a core.
    expect(grew('container_cpu_usage_seconds_total') / seconds).toBeLessThan(0.3);
  });
});
