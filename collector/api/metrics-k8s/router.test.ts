import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../promql/index.js';
import { openTsdb } from '../../tsdb/index.js';
import { createResourceMetrics } from './resource-metrics.js';
import { createMetricsApiRouter } from './router.js';

const NOW = 10 * 60_000;
let server: Server;
let base: string;

beforeAll(async () => {
  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  const tsdb = opened.value;
  const app = tsdb.appender();
  // Over the last minute: node-a busy 1.5 cores (user) of 2, 6 GiB of 8 used; one pod with two containers.
  for (let t = NOW - 60_000; t <= NOW; t += 15_000) {
    const s = (t - (NOW - 60_000)) / 1000;
    for (const cpu of ['0', '1']) {
      app.append({ __name__: 'node_cpu_seconds_total', job: 'node', instance: 'node-a', cpu, mode: 'user' }, t, 1000 + 0.75 * s);
      app.append({ __name__: 'node_cpu_seconds_total', job: 'node', instance: 'node-a', cpu, mode: 'idle' }, t, 5000 + 0.25 * s);
    }
    app.append({ __name__: 'node_memory_MemTotal_bytes', job: 'node', instance: 'node-a' }, t, 8 * 2 ** 30);
    app.append({ __name__: 'node_memory_MemAvailable_bytes', job: 'node', instance: 'node-a' }, t, 2 * 2 ** 30);
    for (const [container, cores, bytes] of [['api', 0.25, 100 * 2 ** 20], ['sidecar', 0.01, 20 * 2 ** 20]] as const) {
      const l = { namespace: 'shop', pod: 'api-0', container };
      app.append({ __name__: 'container_cpu_usage_seconds_total', ...l }, t, 50 + cores * s);
      app.append({ __name__: 'container_memory_working_set_bytes', ...l }, t, bytes);
    }
    // node-b is known only from its kubelet's /metrics/resource (kubepulse start watching a cluster from
    // outside): half a core, 3 GiB. The kubelet also reports the api container, as the cgroup source does.
    const kubelet = { job: 'kubelet', metrics_path: '/metrics/resource' };
    app.append({ __name__: 'node_cpu_usage_seconds_total', ...kubelet, node: 'node-b' }, t, 70 + 0.5 * s);
    app.append({ __name__: 'node_memory_working_set_bytes', ...kubelet, node: 'node-b' }, t, 3 * 2 ** 30);
    app.append({ __name__: 'container_cpu_usage_seconds_total', ...kubelet, node: 'node-a', namespace: 'shop', pod: 'api-0', container: 'api' }, t, 50 + 0.25 * s);
    app.append({ __name__: 'container_memory_working_set_bytes', ...kubelet, node: 'node-a', namespace: 'shop', pod: 'api-0', container: 'api' }, t, 100 * 2 ** 20);
    // The pause container and host services are not pods' containers.
    app.append({ __name__: 'container_cpu_usage_seconds_total', namespace: 'shop', pod: 'api-0', container: '' }, t, s);
    app.append({ __name__: 'container_cpu_usage_seconds_total', namespace: 'host', pod: 'sshd', container: 'sshd' }, t, s);
  }
  await app.commit();
  const metrics = createResourceMetrics({ engine: createEngine(tsdb), windowMs: 60_000, clock: () => NOW });
  const web = express();
  web.use(createMetricsApiRouter(metrics));
  server = createServer(web).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => void server?.close());

const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const r = await fetch(base + path);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('metrics.k8s.io/v1beta1', () => {
  it('serves discovery as the API server expects of an aggregated API', async () => {
    const { body } = await get('/apis/metrics.k8s.io/v1beta1');
    expect(body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1' });
    expect((body.resources as { name: string; kind: string; namespaced: boolean }[]).map((r) => [r.name, r.kind, r.namespaced])).toEqual([
      ['nodes', 'NodeMetrics', false],
      ['pods', 'PodMetrics', true],
    ]);
  });

  it('lists NodeMetrics with CPU in nanocores and memory in Ki', async () => {
    const { body } = await get('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(body).toMatchObject({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
    const items = body.items as { metadata: { name: string }; window: string; usage: { cpu: string; memory: string } }[];
    expect(items.map((i) => i.metadata.name)).toEqual(['node-a', 'node-b']);
    expect(items[0]?.window).toBe('60s');
    expect(items[0]?.usage).toEqual({ cpu: '1500000000n', memory: `${6 * 1024 * 1024}Ki` });
    // From the kubelet's resource metrics, as metrics-server reads them.
    expect(items[1]?.usage).toEqual({ cpu: '500000000n', memory: `${3 * 1024 * 1024}Ki` });
  });

  it('gets one node and answers 404 with a Status for an unknown one', async () => {
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes/node-a')).body).toMatchObject({ kind: 'NodeMetrics', metadata: { name: 'node-a' } });
    const missing = await get('/apis/metrics.k8s.io/v1beta1/nodes/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('lists PodMetrics per namespace with their containers, leaving out pause and host', async () => {
    const { body } = await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods');
    expect(body.kind).toBe('PodMetricsList');
    expect(body.items).toEqual([
      {
        metadata: { name: 'api-0', namespace: 'shop', creationTimestamp: new Date(NOW).toISOString() },
        timestamp: new Date(NOW).toISOString(),
        window: '60s',
        containers: [
          { name: 'api', usage: { cpu: '250000000n', memory: `${100 * 1024}Ki` } },
          { name: 'sidecar', usage: { cpu: '10000000n', memory: `${20 * 1024}Ki` } },
        ],
      },
    ]);
    expect(((await get('/apis/metrics.k8s.io/v1beta1/pods')).body.items as unknown[]).length).toBe(1);
    expect((await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/nope')).status).toBe(404);
  });
});
