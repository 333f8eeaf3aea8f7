// Bytes per sample of kubepulse blocks against a real Prometheus block built
// from the same samples (promtool tsdb create-blocks-from openmetrics).
//
//   npm run build && node bench/block-bytes.mjs [series=2000] [samplesPerSeries=480]
//
// Both sides get identical data: a mix shaped like node-exporter/cAdvisor
// output (monotonic counters, fractional gauges, constants), 15 s apart with
// a little scrape jitter, inside one 2 h-aligned window so each side writes
// exactly one block. Our chunks are cut every 120 samples, as the head does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { writeBlock } from '../dist/collector/tsdb/block/index.js';
import { XorChunk } from '../dist/collector/tsdb/chunkenc/index.js';

const nSeries = Number(process.argv[2] ?? 2000);
const perSeries = Number(process.argv[3] ?? 480);
const start = 1_700_006_400_000; // 2 h aligned
const step = 15_000;

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);

/** [{ name, type, labels, samples: [{t, v}] }] */
function dataset() {
  const out = [];
  for (let i = 0; i < nSeries; i++) {
    const kind = i % 4;
    const labels = { instance: `node-${i % 50}:9100`, job: 'node', cpu: String(Math.floor(i / 50) % 32) };
    const samples = [];
    let c = Math.floor(rnd() * 1e6);
    let g = rnd() * 100;
    for (let k = 0; k < perSeries; k++) {
      const t = start + k * step + (rnd() < 0.1 ? Math.floor(rnd() * 20) : 0);
      let v;
      if (kind === 0) v = c += Math.floor(rnd() * 500); // counter in whole units
      else if (kind === 1) v = Math.round((c += rnd() * 3) * 100) / 100; // seconds counter, 2 decimals
      else if (kind === 2) v = Math.round((g += (rnd() - 0.5) * 2) * 1000) / 1000; // gauge
      else v = 1; // constant (up, info metrics)
      samples.push({ t, v });
    }
    const name = ['node_network_receive_bytes_total', 'node_cpu_seconds_total', 'node_memory_ratio', 'up'][kind];
    out.push({ name, type: kind < 2 ? 'counter' : 'gauge', labels: { ...labels, series: String(i) }, samples });
  }
  return out;
}

function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

function blockBytes(dataDir) {
  const blocks = readdirSync(dataDir).filter((d) => /^[0-9A-Z]{26}$/.test(d));
  let chunks = 0;
  let index = 0;
  let total = 0;
  for (const b of blocks) {
    chunks += dirBytes(join(dataDir, b, 'chunks'));
    index += statSync(join(dataDir, b, 'index')).size;
    total += dirBytes(join(dataDir, b));
  }
  return { blocks: blocks.length, chunks, index, total };
}

const data = dataset();
const totalSamples = data.reduce((n, s) => n + s.samples.length, 0);
const root = mkdtempSync(join(tmpdir(), 'kp-block-bytes-'));
try {
  const ours = join(root, 'ours');
  const input = data.map((s) => {
    const chunks = [];
    for (let i = 0; i < s.samples.length; i += 120) {
      const part = s.samples.slice(i, i + 120);
      const c = new XorChunk();
      for (const x of part) c.append(x.t, x.v);
      chunks.push({ minT: part[0].t, maxT: part[part.length - 1].t, data: c.bytes().slice() });
    }
    return { labels: { __name__: s.name, ...s.labels }, chunks };
  });
  execFileSync('mkdir', ['-p', ours]);
  const t0 = performance.now();
  const r = await writeBlock(ours, input);
  const writeMs = performance.now() - t0;
  if (!r.ok) throw r.error;

  const om = join(root, 'input.om');
  const w = createWriteStream(om);
  const byName = new Map();
  for (const s of data) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, list] of byName) {
    const type = list[0].type;
    w.write(`# TYPE ${type === 'counter' ? name.slice(0, -6) : name} ${type}\n`);
    for (const s of list) {
      const l = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      for (const x of s.samples) if (!w.write(`${name}{${l}} ${x.v} ${x.t / 1000}\n`)) await once(w, 'drain');
    }
  }
  w.end('# EOF\n');
  await once(w, 'finish');
  const theirs = join(root, 'prometheus');
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, theirs], { stdio: 'ignore' });

  const a = blockBytes(ours);
  const b = blockBytes(theirs);
  const per = (x) => (x / totalSamples).toFixed(3);
  console.log(`${nSeries} series x ${perSeries} samples = ${totalSamples} samples`);
  console.log(`kubepulse  blocks=${a.blocks} chunks=${a.chunks} B (${per(a.chunks)} B/sample) index=${a.index} B total=${a.total} B (${per(a.total)} B/sample) write=${writeMs.toFixed(0)} ms`);
  console.log(`prometheus blocks=${b.blocks} chunks=${b.chunks} B (${per(b.chunks)} B/sample) index=${b.index} B total=${b.total} B (${per(b.total)} B/sample)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
