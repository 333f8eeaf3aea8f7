#!/usr/bin/env node
// What the cgroup source costs on a full node: 110 pods x 3 containers on cgroup v2
// (the kubelet's default max-pods), collected at the default 15 s interval.
//
//   npx tsc -p tsconfig.build.json && node bench/cgroup-cost.mjs [--pods 110] [--containers 3] [--rounds 20] [--async] [--interval-ms 15000]
//
// Builds a kubepods tree (cgroupfs driver, containerd) in a temp dir from the recorded
// v2 cgroup files in ../shared/fixtures/cgroups, runs the source `rounds` times back to
// back (a shortened 15 s schedule: the work per collection is what matters), and prints
// CPU-seconds per collection (user + system of the whole process, libuv's file-I/O
// threads included), the implied share of one core at 15 s, and peak RSS.
// Targets from the issue: <= 1 % of one core and <= 80 MB RSS.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCgroupSource } from '../dist/collector/sources/cgroup/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES = resolve(ROOT, '../shared/fixtures/cgroups/samples');
const SCOPE = join(SAMPLES, 'elastic-docker2-cgroupv2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope');
const IO_STAT = join(SAMPLES, 'elastic-io-stat/ubuntu2/io.stat');
const INTERVAL_S = 15;

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const pods = arg('pods', 110);
const rssAtStart = process.memoryUsage().rss;
const containersPerPod = arg('containers', 3);
const rounds = arg('rounds', 20);
const readMode = process.argv.includes('--async') ? 'async' : 'worker';
// 0: back to back (the default; CPU per collection is what the interval does not change). 15000 shows the
// RSS of a real schedule, where V8 has time to shrink its heap between collections.
const intervalMs = arg('interval-ms', 0);

function buildTree(dir) {
  const cg = join(dir, 'sys/fs/cgroup');
  const ioStat = readFileSync(IO_STAT, 'utf8');
  const qos = ['burstable', 'besteffort', ''];
  const cgroupDir = (d) => {
    cpSync(SCOPE, d, { recursive: true });
    writeFileSync(join(d, 'io.stat'), ioStat);
  };
  for (let p = 0; p < pods; p++) {
    const pod = join(cg, 'kubepods', qos[p % 3], `pod${randomUUID()}`);
    cgroupDir(pod);
    for (let c = 0; c < containersPerPod; c++) cgroupDir(join(pod, randomBytes(32).toString('hex')));
  }
  mkdirSync(join(dir, 'proc/self'), { recursive: true });
  writeFileSync(
    join(dir, 'proc/self/mountinfo'),
    '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 rw\n',
  );
  writeFileSync(
    join(dir, 'proc/diskstats'),
    ' 253 0 vda 1 2 3 4 5 6 7 8 9 10 11\n 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11\n',
  );
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
  const source = createCgroupSource({ procPath: join(dir, 'proc'), cgroupRoot: join(dir, 'sys/fs/cgroup'), readMode });
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
    `cgroup source: ${pods} pods x ${containersPerPod} containers (${cgroups} cgroups, ${samples} samples per collection), ${rounds} collections, readMode ${readMode}`,
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
