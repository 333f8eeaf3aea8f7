/**
 * `kubepulse start --kubeconfig`: watching a cluster from outside, where no
 * collector runs on the nodes. A test API server serves list and watch of the
 * recorded objects and, through its node proxy, the recorded kubelet of their
 * node; the real `kubepulse start` must turn them into kube-state-metrics'
 * series, the kubelet's resource and cAdvisor series, and metrics.k8s.io.
 */
import type http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { startKubeApiServer, type KubeApiServer } from './support/kube-api-server.js';
import { kubeFixtureObjects } from './support/kube-fixtures.js';
import { captureRoutes, proxyRoutes, type KubeletRoute } from './support/kubelet-server.js';
import { eventually } from './support/eventually.js';

const NODE = 'datagen-1-34';
let api: KubeApiServer;
let daemon: Daemon;

beforeAll(async () => {
  const routes: Record<string, KubeletRoute> = proxyRoutes(NODE, captureRoutes('1_34'));
  const extra = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) return false;
    // The recording's samples carry the timestamps of the day it was made; a live kubelet's are now.
    const now = String(Date.now());
    const body = route.contentType.startsWith('text/plain')
      ? Buffer.from(route.body).toString().replace(/^([^#\n].*\s\S+)\s+\d{12,14}$/gm, `$1 ${now}`)
      : route.body;
    res.writeHead(200, { 'Content-Type': route.contentType }).end(body);
    return true;
  };
  api = await startKubeApiServer(kubeFixtureObjects(), { extra });
  const dir = await tempDir('kp-start-cluster-');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: test, cluster: { server: "' + api.url + '", insecure-skip-tls-verify: true } }]',
      'users: [{ name: test, user: { token: t } }]',
      'contexts: [{ name: test, context: { cluster: test, user: test } }]',
      'current-context: test',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  daemon = await startDaemon(
    [
      'start',
      '--listen', `127.0.0.1:${port}`,
      '--data-dir', join(dir, 'data'),
      '--kubeconfig', kubeconfig,
      '--resource-interval', '1s',
      '--full-interval', '1s',
      '--log-level', 'warn',
    ],
    port,
  );
});

afterAll(async () => {
  await daemon?.stop();
  await api?.close();
});

type Vector = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
function waitForSeries(expr: string): Promise<Vector['data']['result']> {
  return eventually(expr, async () => {
    const r = (await (await fetch(`${daemon.baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as Vector;
    return r.data.result.length > 0 ? r.data.result : undefined;
  });
}

describe('kubepulse start watching a cluster from outside', () => {
  it('stores object state, and every node\'s kubelet read through the API server proxy', async () => {
    const pods = await waitForSeries('kube_pod_info{job="kube-state-metrics"}');
    expect(pods.filter((p) => p.metric.node === NODE).length).toBeGreaterThan(10);
    const nodeCpu = await waitForSeries('node_cpu_usage_seconds_total{job="kubelet"}');
    expect(nodeCpu.map((s) => [s.metric.node, s.metric.metrics_path])).toEqual([[NODE, '/metrics/resource']]);
    // cAdvisor's series as the rules select them (job="cadvisor"), with pod and namespace names.
    const containers = await waitForSeries('container_memory_working_set_bytes{job="cadvisor",metrics_path="/metrics/cadvisor",container!=""}');
    expect(containers.every((s) => s.metric.node === NODE && s.metric.pod !== '' && s.metric.namespace !== '')).toBe(true);
    // A proxied kubelet request used the API server's node proxy path.
    expect(api.requests.some((r) => r.path.startsWith(`/api/v1/nodes/${NODE}/proxy/metrics/resource`))).toBe(true);
  });

  it('serves the cluster\'s node in metrics.k8s.io from the kubelet\'s resource metrics', async () => {
    // A CPU rate needs two samples; the recorded kubelet serves the same counter every time.
    await waitForSeries('count_over_time(node_cpu_usage_seconds_total{job="kubelet"}[1m]) >= 2');
    const list = (await (await fetch(`${daemon.baseUrl}/apis/metrics.k8s.io/v1beta1/nodes`)).json()) as { items: { metadata: { name: string }; usage: { memory: string } }[] };
    const node = list.items.find((i) => i.metadata.name === NODE);
    expect(node?.usage.memory).toMatch(/^\d+Ki$/);
  });
});
