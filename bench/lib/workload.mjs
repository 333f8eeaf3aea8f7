// A Kubernetes-like remote-write workload: cAdvisor-style container_* series
// with namespace/pod/container/node labels, counters and gauges, encoded once
// as snappy-compressed WriteRequests so both servers receive identical bytes.
import { encodeWriteRequest, snappyCompress } from '../../dist/collector/remote/index.js';

export const METRICS = [
  { name: 'container_cpu_usage_seconds_total', kind: 'counter', step: 0.5 },
  { name: 'container_memory_working_set_bytes', kind: 'gauge', base: 256 * 1024 * 1024 },
  { name: 'container_network_receive_bytes_total', kind: 'counter', step: 40_000 },
  { name: 'container_network_transmit_bytes_total', kind: 'counter', step: 25_000 },
  { name: 'container_cpu_cfs_throttled_periods_total', kind: 'counter', step: 3 },
];

/** Deterministic PRNG (mulberry32), so every run sends the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` series: METRICS.length metrics per container, 2 containers per pod, 200 pods per namespace. */
export function makeSeries(count) {
  const series = [];
  const containers = Math.ceil(count / METRICS.length);
  for (let c = 0; c < containers && series.length < count; c++) {
    const podIndex = Math.floor(c / 2);
    const ns = `ns-${Math.floor(podIndex / 200)}`;
    const pod = `app-${podIndex % 200}-7f9c${(podIndex % 97).toString(16)}d-x${podIndex % 13}`;
    const container = c % 2 === 0 ? 'app' : 'sidecar';
    const node = `node-${podIndex % 100}`;
    for (const m of METRICS) {
      if (series.length >= count) break;
      series.push({
        metric: m,
        labels: [
          { name: '__name__', value: m.name },
          { name: 'container', value: container },
          { name: 'image', value: container === 'app' ? `registry.local/${ns}/app:1.${podIndex % 7}` : 'envoyproxy/envoy:v1.31' },
          { name: 'instance', value: `${node}:10250` },
          { name: 'job', value: 'kubelet' },
          { name: 'namespace', value: ns },
          { name: 'node', value: node },
          { name: 'pod', value: pod },
        ],
      });
    }
  }
  return series;
}

/**
 * Encodes `scrapes` rounds of every series, `t0` + i × `intervalMs`, as requests
 * of at most `perRequest` samples (Prometheus' max_samples_per_send is 2000).
 */
export function encodeRounds(series, { scrapes, t0, intervalMs, perRequest = 2000, seed = 1 }) {
  const random = rng(seed);
  const values = series.map((s) => (s.metric.kind === 'gauge' ? s.metric.base * (0.5 + random()) : random() * 1000));
  const requests = [];
  let samples = 0;
  for (let i = 0; i < scrapes; i++) {
    const t = t0 + i * intervalMs;
    for (let off = 0; off < series.length; off += perRequest) {
      const timeseries = [];
      for (let j = off; j < Math.min(off + perRequest, series.length); j++) {
        const s = series[j];
        const m = s.metric;
        values[j] =
          m.kind === 'gauge' ? Math.max(0, values[j] + (random() - 0.5) * m.base * 0.02) : values[j] + random() * m.step;
        // Counters of CPU seconds have fractional values; bytes are integers.
        const v = m.kind === 'gauge' || m.step >= 1 ? Math.round(values[j]) : values[j];
        timeseries.push({ labels: s.labels, samples: [{ value: v, timestamp: t }], exemplars: [], histograms: [] });
      }
      samples += timeseries.length;
      // The same slice of series always goes to the same shard, so each series
      // arrives in time order, as Prometheus' remote-write sharding guarantees.
      const shard = off / perRequest;
      requests.push({ shard, body: Buffer.from(snappyCompress(encodeWriteRequest({ timeseries, metadata: [] }))) });
    }
  }
  return { requests, samples };
}

/** Sends every request to `url`, `concurrency` shards in flight, each shard's requests in order. */
export async function send(url, requests, concurrency = 4) {
  let failed = 0;
  let firstError = '';
  const queues = Array.from({ length: concurrency }, () => []);
  for (const r of requests) queues[r.shard % concurrency].push(r.body);
  const worker = async (queue) => {
    for (const body of queue) {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
        },
      });
      if (res.status >= 300) {
        failed++;
        if (!firstError) firstError = `${res.status} ${await res.text()}`;
      } else await res.arrayBuffer();
    }
  };
  await Promise.all(queues.map(worker));
  return { failed, firstError };
}
