#!/usr/bin/env node
// What the cgroup source costs on a full node: 110 pods x 3 containers on cgroup v2
// (the kubelet's default max-pods), collected at the default 15 s interval.
//
//   npm run build && node bench/cgroup-cost.mjs [--pods 110] [--containers 3] [--rounds 20]
//       [--scope all|resource|full] [--interval-ms 15000] [--dist dist]
//
// Builds a kubepods tree (cgroupfs driver, containerd) in a temp dir from the recorded
// v2 cgroup files in ../shared/fixtures/cgroups, runs the source `rounds` times back to
// back (a shortened 15 s schedule: the work per collection is what matters), and prints
// CPU-seconds per collection (user + system of the whole process, libuv's file-I/O
// threads included), the implied share of one core at 15 s, and peak RSS.
// Targets from the issue: <= 1 % of one core and <= 80 MB RSS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { flag } from './lib/args.mjs';
import { buildKubeTree } from './lib/cgroup-tree.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INTERVAL_S = 15;

const pods = Number(flag('pods', 110));
const rssAtStart = process.memoryUsage().rss;
const containersPerPod = Number(flag('containers', 3));
const rounds = Number(flag('rounds', 20));
const scope = flag('scope', 'all');
// 0: back to back (the default; CPU per collection is what the interval does not change). 15000 shows the
// RSS of a real schedule, where V8 has time to shrink its heap between collections.
const intervalMs = Number(flag('interval-ms', 0));
const dist = resolve(ROOT, flag('dist', 'dist'));

function buildTree(dir) {
  buildKubeTree(dir, { pods, containers: containersPerPod });
}

if (process.argv[2] === '--build') {
  buildTree(process.argv[3]);
  process.exit(0);
}

// The tree is built by a child process so that copying 20,000 files does not count in this process' RSS.
const dir = mkdtempSync(join(tmpdir(), 'kubepulse-cgroup-bench-'));
execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--build', dir, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
try {
  const { createCgroupSource } = await import(pathToFileURL(join(dist, 'collector/sources/cgroup/index.js')).href);
  const source = createCgroupSource({
    procPath: join(dir, 'proc'),
    cgroupRoot: join(dir, 'sys/fs/cgroup'),
    scope,
  });
  const first = await source.collect(); // warm-up: layout detection, JIT
  if (first.problems.length > 0) throw new Error(`problems: ${JSON.stringify(first.problems.slice(0, 3))}`);
  const cgroups = new Set(first.samples.map((s) => s.labels.id)).size;
  global.gc?.();
  let peakRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let samples = 0;
  let idleMs = 0;
  for (let i = 0; i < rounds; i++) {
    if (intervalMs > 0 && i > 0) {
      await new Promise((r) => setTimeout(r, intervalMs));
      idleMs += intervalMs;
    }
    const c = await source.collect();
    samples = c.samples.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const wallMs = (performance.now() - t0 - idleMs) / rounds;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 / rounds;
  const pct = (cpuSeconds / INTERVAL_S) * 100;
  const mb = peakRss / 1e6;
  console.log(
    `cgroup source: ${pods} pods x ${containersPerPod} containers (${cgroups} cgroups, ${samples} samples per collection), ${rounds} collections, scope ${scope}`,
  );
  console.log(
    `  CPU per collection : ${(cpuSeconds * 1000).toFixed(1)} ms (user ${(cpu.user / 1e3 / rounds).toFixed(1)} ms, system ${(cpu.system / 1e3 / rounds).toFixed(1)} ms)`,
  );
  console.log(`  wall per collection: ${wallMs.toFixed(1)} ms`);
  console.log(`  one core at ${INTERVAL_S} s : ${pct.toFixed(2)} % (target <= 1 %)  ${pct <= 1 ? 'OK' : 'OVER'}`);
  console.log(
    `  peak RSS           : ${mb.toFixed(1)} MB (target <= 80 MB)  ${mb <= 80 ? 'OK' : 'OVER'}; the process held ${(rssAtStart / 1e6).toFixed(1)} MB before the source was made`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
