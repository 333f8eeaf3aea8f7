#!/usr/bin/env node
// kubepulse vs the real Prometheus on this machine, in one run, same workload.
//
//   npm run bench                 # every phase at the sizes docs/benchmarks.md names
//   npm run bench -- --quick      # a small smoke run (10k series), for trying the harness
//   npm run bench -- --record     # also rewrite the figures in docs/benchmarks.md
//   npm run bench -- --collector  # also the node collector's RSS and CPU (bench/collector-cost.mjs, 3 min)
//
// Phases, each with a fresh pair of servers on loopback:
//   ingest  100k series x 20 rounds at 15 s, remote-written to both: CPU-seconds per
//           million samples, RSS per active series, median latency of Kubernetes queries
//   rss-1m  1M series x 2 rounds: RSS per active series
//   blocks  2k series x 4 h at 15 s: both persist a 2 h block; bytes per sample on disk
// Prints ratios kubepulse / Prometheus (lower is better for every figure).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, freePort, rssBytes, startProcess } from './lib/procs.mjs';
import { encodeRounds, makeSeries, send } from './lib/workload.mjs';
import { QUERIES } from './lib/queries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const sizes = quick
  ? { ingestSeries: 10_000, ingestRounds: 10, bigSeries: 50_000, blockSeries: 500 }
  : { ingestSeries: 100_000, ingestRounds: 20, bigSeries: 1_000_000, blockSeries: 2_000 };
const INTERVAL_MS = 15_000;

function prometheusVersion() {
  try {
    return execFileSync(PROMETHEUS, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0];
  } catch (e) {
    return String(e.stderr ?? e).split('\n')[0];
  }
}

async function startPair(tag) {
  const promDir = mkdtempSync(join(tmpdir(), `bench-prom-${tag}-`));
  const kpDir = mkdtempSync(join(tmpdir(), `bench-kp-${tag}-`));
  writeFileSync(join(promDir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  // Like the Prometheus beside it: a store, the API and the receiver, nothing else running
  // (no local collection, no rule pack, no alertmanager), so both measure the same work.
  writeFileSync(
    join(kpDir, 'kubepulse.yaml'),
    'procfs: { enabled: false }\ncgroup: { enabled: false }\ndashboard: { enabled: false }\nrules: { shippedPack: false }\nalertmanager: { enabled: false }\nkube: { mode: "off" }\nlog: { level: warn }\n',
  );
  const pp = await freePort();
  const kp = await freePort();
  const prom = await startProcess(
    'prometheus',
    PROMETHEUS,
    [
      `--config.file=${join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${pp}`,
      '--web.enable-remote-write-receiver',
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
    ],
    `http://127.0.0.1:${pp}/-/ready`,
  );
  const kube = await startProcess(
    'kubepulse',
    process.execPath,
    [join(ROOT, 'dist/collector/cli/main.js'), 'start', '--config', join(kpDir, 'kubepulse.yaml'), '--listen', `127.0.0.1:${kp}`, '--data-dir', join(kpDir, 'data')],
    `http://127.0.0.1:${kp}/-/ready`,
  );
  const servers = [
    { ...prom, url: `http://127.0.0.1:${pp}`, dataDir: join(promDir, 'data') },
    { ...kube, url: `http://127.0.0.1:${kp}`, dataDir: join(kpDir, 'data') },
  ];
  return {
    servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(promDir, { recursive: true, force: true });
      rmSync(kpDir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ingest(server, requests) {
  const cpu0 = cpuSeconds(server.pid);
  const wall0 = performance.now();
  const r = await send(`${server.url}/api/v1/write`, requests);
  const wall = (performance.now() - wall0) / 1000;
  if (r.failed > 0) throw new Error(`${server.name}: ${r.failed} requests failed, first: ${r.firstError}`);
  return { cpu: cpuSeconds(server.pid) - cpu0, wall };
}

async function queryMs(server, q, at, start, end) {
  const params =
    q.kind === 'instant'
      ? new URLSearchParams({ query: q.expr, time: String(at / 1000) })
      : new URLSearchParams({ query: q.expr, start: String(start / 1000), end: String(end / 1000), step: '15' });
  const path = q.kind === 'instant' ? '/api/v1/query' : '/api/v1/query_range';
  const times = [];
  let result;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, { method: 'POST', body: params });
    const body = await res.json();
    times.push(performance.now() - t0);
    if (body.status !== 'success') throw new Error(`${server.name}: ${q.expr}: ${body.error}`);
    result = body.data.result.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[3], series: result };
}

async function phaseIngest() {
  const series = makeSeries(sizes.ingestSeries);
  const t0 = Date.now() - sizes.ingestRounds * INTERVAL_MS;
  const { requests, samples } = encodeRounds(series, { scrapes: sizes.ingestRounds, t0, intervalMs: INTERVAL_MS });
  const pair = await startPair('ingest');
  try {
    const [prom, kube] = pair.servers;
    await sleep(2000);
    const idle = pair.servers.map((s) => rssBytes(s.pid));
    const cost = [];
    for (const s of pair.servers) cost.push(await ingest(s, requests));
    await sleep(5000);
    const rss = pair.servers.map((s) => rssBytes(s.pid));
    const end = t0 + (sizes.ingestRounds - 1) * INTERVAL_MS;
    const queries = [];
    for (const q of QUERIES) {
      const p = await queryMs(prom, q, end, t0, end);
      const k = await queryMs(kube, q, end, t0, end);
      if (p.series !== k.series) throw new Error(`result sizes differ for ${q.expr}: prometheus ${p.series}, kubepulse ${k.series}`);
      queries.push({ q, prom: p.ms, kube: k.ms, series: p.series });
    }
    return {
      samples,
      series: series.length,
      ingest: cost.map((c) => (c.cpu / samples) * 1e6),
      ingestWall: cost.map((c) => c.wall),
      rssPerSeries: rss.map((r) => r / series.length),
      rssGrowthPerSeries: rss.map((r, i) => (r - idle[i]) / series.length),
      queries,
    };
  } finally {
    await pair.stop();
  }
}

async function phaseBigRss() {
  const series = makeSeries(sizes.bigSeries);
  const t0 = Date.now() - 2 * INTERVAL_MS;
  const pair = await startPair('rss');
  try {
    await sleep(2000);
    const idle = pair.servers.map((s) => rssBytes(s.pid));
    // Encode one round at a time: a million series of requests is large.
    for (let round = 0; round < 2; round++) {
      const { requests } = encodeRounds(series, { scrapes: 1, t0: t0 + round * INTERVAL_MS, intervalMs: INTERVAL_MS, seed: round + 7 });
      for (const s of pair.servers) await ingest(s, requests);
    }
    await sleep(5000);
    const rss = pair.servers.map((s) => rssBytes(s.pid));
    return { series: series.length, rssPerSeries: rss.map((r) => r / series.length), rssGrowthPerSeries: rss.map((r, i) => (r - idle[i]) / series.length) };
  } finally {
    await pair.stop();
  }
}

function blockBytes(dataDir) {
  const blocks = readdirSync(dataDir).filter((d) => existsSync(join(dataDir, d, 'meta.json')));
  let bytes = 0;
  let samples = 0;
  for (const b of blocks) {
    const meta = JSON.parse(readFileSync(join(dataDir, b, 'meta.json'), 'utf8'));
    samples += meta.stats.numSamples;
    const dir = join(dataDir, b);
    bytes += statSync(join(dir, 'index')).size;
    for (const f of readdirSync(join(dir, 'chunks'))) bytes += statSync(join(dir, 'chunks', f)).size;
  }
  return { blocks: blocks.length, bytes, samples };
}

async function phaseBlocks() {
  const series = makeSeries(sizes.blockSeries);
  const rounds = (4 * 3600_000) / INTERVAL_MS;
  // Align to the 2 h grid both stores cut blocks on, so both persist the same range.
  const t0 = Math.floor((Date.now() - 6 * 3600_000) / 7_200_000) * 7_200_000;
  const { requests } = encodeRounds(series, { scrapes: rounds, t0, intervalMs: INTERVAL_MS, seed: 3 });
  const pair = await startPair('blocks');
  try {
    for (const s of pair.servers) await ingest(s, requests);
    // Prometheus compacts on its one-minute loop; wait until both wrote a block.
    const deadline = Date.now() + 180_000;
    let found;
    for (;;) {
      found = pair.servers.map((s) => blockBytes(s.dataDir));
      if (found.every((f) => f.blocks > 0) || Date.now() > deadline) break;
      await sleep(2000);
    }
    if (!found.every((f) => f.blocks > 0)) throw new Error(`no block persisted: ${JSON.stringify(found)}`);
    return found.map((f) => ({ ...f, bytesPerSample: f.bytes / f.samples }));
  } finally {
    await pair.stop();
  }
}

const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
const ratio = (k, p) => k / p;

async function main() {
  const version = prometheusVersion();
  console.error(`bench: ${quick ? 'quick' : 'full'} run against ${version}`);
  console.error('bench: phase ingest …');
  const a = await phaseIngest();
  console.error('bench: phase rss-1m …');
  const b = await phaseBigRss();
  console.error('bench: phase blocks …');
  const c = await phaseBlocks();

  const rows = [
    ['ingest CPU-seconds per million samples', a.ingest[1], a.ingest[0], 1.0, 0.67],
    [`RSS per active series, ${a.series / 1000}k series (bytes)`, a.rssPerSeries[1], a.rssPerSeries[0], 1.0, 0.5],
    [`RSS per active series, ${b.series / 1000}k series (bytes)`, b.rssPerSeries[1], b.rssPerSeries[0], 1.0, 0.5],
    ['bytes per sample in persisted blocks', c[1].bytesPerSample, c[0].bytesPerSample, 1.0, 1.0],
  ];
  const lines = [];
  lines.push(`Run: \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${version}, Node ${process.version}, 2 cores.`);
  lines.push('');
  lines.push('| figure | kubepulse | Prometheus | ratio | required | aim |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, k, p, req, aim] of rows) {
    const r = ratio(k, p);
    lines.push(`| ${name} | ${fmt(k)} | ${fmt(p)} | **${fmt(r)}** ${r <= req ? '' : '✗'} | ≤ ${req} | ≤ ${aim} |`);
  }
  lines.push('');
  lines.push(`Ingest wall time (${(a.samples / 1e6).toFixed(1)}M samples, 4 concurrent senders): kubepulse ${fmt(a.ingestWall[1], 1)} s, Prometheus ${fmt(a.ingestWall[0], 1)} s. RSS growth per series over idle: kubepulse ${fmt(a.rssGrowthPerSeries[1], 0)} B / ${fmt(b.rssGrowthPerSeries[1], 0)} B, Prometheus ${fmt(a.rssGrowthPerSeries[0], 0)} B / ${fmt(b.rssGrowthPerSeries[0], 0)} B (${a.series / 1000}k / ${b.series / 1000}k series).`);
  lines.push('');
  lines.push(`Query latency, median of 7, over ${a.series / 1000}k series (${a.samples / a.series} samples each), required ≤ 1.5, aim ≤ 1.0:`);
  lines.push('');
  lines.push('| query | kind | result series | kubepulse ms | Prometheus ms | ratio |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: |');
  let worst = 0;
  for (const r of a.queries) {
    const x = ratio(r.kube, r.prom);
    worst = Math.max(worst, x);
    lines.push(`| \`${r.q.expr.replaceAll('|', '\\|')}\` | ${r.q.kind} | ${r.series} | ${fmt(r.kube, 1)} | ${fmt(r.prom, 1)} | **${fmt(x)}**${x <= 1.5 ? '' : ' ✗'} |`);
  }
  lines.push('');
  lines.push(`Blocks: kubepulse ${c[1].blocks} block(s), ${c[1].samples} samples, ${c[1].bytes} bytes; Prometheus ${c[0].blocks} block(s), ${c[0].samples} samples, ${c[0].bytes} bytes.`);
  const table = lines.join('\n');
  console.log(table);

  if (args.has('--record')) {
    const doc = join(ROOT, 'docs/benchmarks.md');
    const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const block = `${begin}\n${table}\n${end}`;
    const next = text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${text}\n${block}\n`;
    writeFileSync(doc, next);
    console.error(`bench: recorded in ${doc}`);
  }
  if (args.has('--collector')) {
    // One collector process at the default intervals, with node-exporter beside it; its figures are printed, not recorded.
    console.error('bench: collector cost …');
    execFileSync(process.execPath, [join(ROOT, 'bench/collector-cost.mjs'), ...(quick ? ['--minutes', '1'] : [])], {
      stdio: 'inherit',
    });
  }
  const failed = rows.some(([, k, p, req]) => ratio(k, p) > req) || worst > 1.5;
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exitCode = 2;
});
