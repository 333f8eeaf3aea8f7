#!/usr/bin/env node
// What snappy block compression of remote-write bodies costs: our compressor
// (collector/remote/snappy-compress.ts) against snappyjs, which it replaced.
//
//   npm run build && node bench/snappy-cost.mjs [--series 2000] [--rounds 9] [--ms 200] [--dist dist]
//
// A body is `--series` cAdvisor series of one sample each (a float or an integer
// value, a ms timestamp), with kubelet's label set (__name__, container, id, image,
// instance, job, name, namespace, node, pod, metrics_path), encoded by
// encodeWriteRequest. It comes in two orders: by container, as the cgroup source
// sends them (a container's series one after the other), and by metric family,
// as a /metrics/cadvisor scrape lists them (a container's labels come round again
// one family later: with 100 containers, about 55 KB further on).
// Each order is compressed under `node --max-opt=2` (Maglev, no TurboFan: how the
// collector runs, see deploy/base/collector-daemonset.yaml) and under node's
// default tiers, each in a child process. MB/s is input bytes per CPU second of
// the whole process (GC included), the median of `--rounds` runs of `--ms` ms of
// CPU each, the two implementations taking turns. Both outputs are checked with
// the other implementation's decompressor first.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import snappyjs from 'snappyjs';
import { flag, has } from './lib/args.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = resolve(ROOT, flag('dist', 'dist'));
const series = Number(flag('series', '2000'));
const rounds = Number(flag('rounds', '9'));
const cpuMsPerRun = Number(flag('ms', '200'));

const FAMILIES = [
  'cpu_usage_seconds_total',
  'cpu_user_seconds_total',
  'cpu_system_seconds_total',
  'cpu_cfs_periods_total',
  'cpu_cfs_throttled_periods_total',
  'cpu_cfs_throttled_seconds_total',
  'memory_usage_bytes',
  'memory_working_set_bytes',
  'memory_rss',
  'memory_cache',
  'memory_swap',
  'memory_mapped_file',
  'memory_failcnt',
  'memory_max_usage_bytes',
  'fs_reads_bytes_total',
  'fs_writes_bytes_total',
  'spec_memory_limit_bytes',
  'spec_cpu_shares',
  'threads',
  'processes',
];

/** Deterministic numbers in [0, 1), so every run compresses the same bytes. */
function random(seed) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The WriteRequest of `series` series in `order` ('container' or 'family'). */
function body(encodeWriteRequest, order) {
  const next = random(42);
  const hex = (n) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  const containers = Array.from({ length: Math.ceil(series / FAMILIES.length) }, (_, c) => {
    const pod = c >> 1;
    const namespace = ['default', 'kube-system', 'shop', 'payments', 'monitoring'][pod % 5];
    const node = `ip-10-0-${pod % 7}-${(pod * 37) % 250}.eu-west-1.compute.internal`;
    const containerId = hex(64);
    const app = `app-${pod % 11}`;
    return {
      container: c % 2 ? 'istio-proxy' : app,
      id: `/kubepods/burstable/pod${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}/${containerId}`,
      image: c % 2 ? 'docker.io/istio/proxyv2:1.22.3' : `registry.example.com/${namespace}/${app}:v1.${pod % 9}.0`,
      instance: node,
      job: 'kubelet',
      name: containerId,
      namespace,
      node,
      pod: `${app}-6d9f${hex(5)}-${hex(5)}`,
    };
  });
  const t = 1_700_000_000_000 + Math.floor(next() * 1e6);
  const one = (family, labels) => ({
    labels: Object.entries({ __name__: `container_${family}`, ...labels, metrics_path: '/metrics/cadvisor' }).map(
      ([name, value]) => ({ name, value }),
    ),
    samples: [
      { value: next() < 0.3 ? Math.floor(next() * 1e9) : next() * 1e4, timestamp: t + Math.floor(next() * 50) },
    ],
    exemplars: [],
    histograms: [],
  });
  const timeseries =
    order === 'container'
      ? containers.flatMap((labels) => FAMILIES.map((family) => one(family, labels)))
      : FAMILIES.flatMap((family) => containers.map((labels) => one(family, labels)));
  return encodeWriteRequest({ timeseries: timeseries.slice(0, series), metadata: [] });
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function megabytesPerSecond(compress, input) {
  const start = cpuSeconds();
  let calls = 0;
  do {
    compress(input);
    calls++;
  } while (cpuSeconds() - start < cpuMsPerRun / 1000);
  return (input.length * calls) / (cpuSeconds() - start) / 1e6;
}

async function measure() {
  const remote = await import(pathToFileURL(join(dist, 'collector/remote/index.js')).href);
  const impls = { snappyjs: (b) => snappyjs.compress(b), kubepulse: remote.snappyCompress };
  for (const order of ['container', 'family']) {
    const input = body(remote.encodeWriteRequest, order);
    const rates = { snappyjs: [], kubepulse: [] };
    const sizes = {
      snappyjs: checked(impls.snappyjs(input), input, (c) => remote.snappyDecompress(c)),
      kubepulse: checked(impls.kubepulse(input), input, (c) => ({ ok: true, value: snappyjs.uncompress(c) })),
    };
    for (const f of Object.values(impls)) for (let i = 0; i < 50; i++) f(input); // past the tiers' warm-up
    for (let r = 0; r < rounds; r++)
      for (const [name, f] of Object.entries(impls)) rates[name].push(megabytesPerSecond(f, input));
    for (const name of Object.keys(impls)) {
      const sorted = rates[name].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const size = sizes[name];
      const cols = [`by ${order}`.padEnd(12), String(input.length).padStart(9), name.padEnd(10)];
      cols.push(median.toFixed(1).padStart(7), String(size).padStart(9), (input.length / size).toFixed(2).padStart(6));
      console.log(`  ${cols.join(' ')}`);
    }
  }
}

/** The compressed size, once the other side's decompressor gave the input back. */
function checked(compressed, input, decompress) {
  const r = decompress(compressed);
  if (!r.ok || !Buffer.from(r.value).equals(input)) throw new Error('compressed body does not round-trip');
  return compressed.length;
}

if (has('child')) await measure();
else {
  const script = fileURLToPath(import.meta.url);
  const args = process.argv.slice(2);
  console.log(`snappy block compression of one remote-write body of ${series} series; MB/s of input per CPU second`);
  for (const [title, nodeFlags] of [
    ['node --max-opt=2 (Maglev only, as the collector runs)', ['--max-opt=2']],
    ['node (default tiers, TurboFan)', []],
  ]) {
    console.log(`\n${title}, ${process.version}`);
    const head = ['body'.padEnd(12), 'bytes in'.padStart(9), 'compressor', 'MB/s'.padStart(7), 'bytes out', 'ratio'];
    console.log(`  ${head.join(' ')}`);
    execFileSync(process.execPath, [...nodeFlags, script, '--child', ...args], { stdio: 'inherit' });
  }
}
