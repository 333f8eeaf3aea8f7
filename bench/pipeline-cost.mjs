#!/usr/bin/env node
// What one full collection of a 110-pod node costs inside the collector, without the rest of the
// process: the cgroup source (scope full) -> a pipeline -> the remote-write client (disk queue,
// shards, snappy, HTTP to a 204 responder in a child process) or a sink that drops everything.
//
//   npm run build && node --expose-gc bench/pipeline-cost.mjs [--sink remote-write|none]
//       [--rounds 20] [--pods 110] [--containers 3] [--dist dist] [--no-target-labels] [--keep-files-open]
//
// Runs 5 warm-up cycles, then `rounds` cycles back to back, each waiting until the remote-write
// queue is empty, and prints CPU-ms per cycle (process.cpuUsage: user + system, all threads) and,
// after three full GCs, the heap, ArrayBuffers and external memory the path retains. In-process and
// repeatable to a few %, unlike a whole process's CPU over minutes: for comparing two builds
// (--dist) of the same node, not a figure for issue 4's targets (bench/collector-cost.mjs is that).
// Run it with node's flags as the DaemonSet does (--max-opt=2 --max-semi-space-size=2).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { flag, has } from './lib/args.mjs';
import { buildKubeTree, buildProcDir } from './lib/cgroup-tree.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sinkKind = flag('sink', 'remote-write');
const rounds = Number(flag('rounds', '20'));
const pods = Number(flag('pods', '110'));
const containers = Number(flag('containers', '3'));
const dist = resolve(ROOT, flag('dist', 'dist'));
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (the retained heap is measured after full GCs)');
if (!['remote-write', 'none'].includes(sinkKind)) throw new Error(`--sink remote-write|none, not ${sinkKind}`);

const load = (rel) => import(pathToFileURL(join(dist, rel)).href);
const { createCgroupSource } = await load('collector/sources/cgroup/index.js');
const { createPipeline } = await load('collector/pipelines/index.js');
const { createRemoteWriteClient } = await load('collector/remote/client/index.js');
const { createSelfRegistry } = await load('collector/http/self-metrics.js');
const { createLogger } = await load('collector/log/index.js');

const dir = mkdtempSync(join(tmpdir(), 'kubepulse-pipeline-bench-'));
// The receiver runs in its own process, so its parsing is not counted here.
const receiver = spawn(
  process.execPath,
  ['-e', "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.writeHead(204).end())});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const port = await new Promise((res) => receiver.stdout.once('data', (d) => res(Number(String(d).trim()))));
  const cgroupRoot = buildKubeTree(join(dir, 'tree'), { pods, containers });
  const procPath = buildProcDir(join(dir, 'proc'));
  const registry = createSelfRegistry('bench');
  const logger = createLogger({ level: 'warn' });
  // As local-pipelines.ts wires the DaemonSet's full pipeline: target labels on the series, files opened each time.
  const targetLabels = { job: 'cadvisor', instance: 'bench-node', node: 'bench-node' };
  const source = createCgroupSource({
    scope: 'full',
    procPath,
    cgroupRoot,
    keepFilesOpen: has('keep-files-open'),
    ...(has('no-target-labels') ? {} : { targetLabels }),
  });
  const client =
    sinkKind === 'remote-write'
      ? createRemoteWriteClient({ url: `http://127.0.0.1:${port}/api/v1/write`, queueDir: join(dir, 'queue'), registry, logger })
      : undefined;
  if (client) {
    const r = await client.ready();
    if (!r.ok) throw r.error;
  }
  const none = { appender: () => ({ append: () => ({ ok: true, value: undefined }), commit: async () => ({ ok: true, value: undefined }), rollback() {} }) };
  const pipeline = createPipeline({ name: 'full', sources: [{ source, targetLabels }], intervalMs: 30_000, appendable: client ?? none, logger, registry });
  const drained = async () => {
    for (let i = 0; client && client.stats().pendingSamples > 0; i++) {
      if (i > 3000) throw new Error('the remote-write queue did not drain in 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  let t = Date.now();
  for (let i = 0; i < 5; i++) {
    await pipeline.collectOnce((t += 30_000));
    await drained();
  }
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    await pipeline.collectOnce((t += 30_000));
    await drained();
  }
  const c = process.cpuUsage(c0);
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  const ms = (us) => (us / 1000 / rounds).toFixed(1);
  const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
  const series = pipeline.latest().get('cgroup')?.samples.length ?? 0;
  console.log(`cgroup source (full) -> pipeline -> ${sinkKind === 'none' ? 'nothing' : 'remote-write client'}: ${pods} pods x ${containers} containers, ${series} series, ${rounds} cycles, ${dist}`);
  console.log(`  CPU per cycle : ${ms(c.user + c.system)} ms (user ${ms(c.user)}, system ${ms(c.system)})`);
  console.log(`  retained      : heap ${mb(m.heapUsed)}, ArrayBuffers ${mb(m.arrayBuffers)}, external ${mb(m.external)} (after 3 full GCs; includes the modules)`);
  await client?.close();
} finally {
  receiver.kill();
  rmSync(dir, { recursive: true, force: true });
}
