import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemLines, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import type { TestKubelet } from '../../../test/support/kubelet-server.js';
import { captureRoutes, proxyRoutes, startKubeletServer } from '../../../test/support/kubelet-server.js';
import { loadKubeConfig } from '../kube/index.js';
import { createClusterKubeletSource } from './cluster-kubelet-source.js';

const TOKEN = 'hub-token';
const nodeList = (...names: string[]) => ({
  contentType: 'application/json',
  body: JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: names.map((name) => ({ metadata: { name } })) }),
});

describe('every node through the API server', () => {
  let api: TestKubelet;
  beforeAll(async () => {
    api = await startKubeletServer({
      token: TOKEN,
      routes: {
        '/api/v1/nodes': nodeList('old-node', 'new-node', 'gone-node'),
        ...proxyRoutes('old-node', captureRoutes('1_18')),
        ...proxyRoutes('new-node', captureRoutes('1_34')),
      },
    });
  });
  afterAll(async () => api.close());

  const kubeConfig = () => {
    const kc = loadKubeConfig({ kind: 'server', server: api.url, token: TOKEN, caPem: api.caPem });
    if (!kc.ok) throw kc.error;
    return kc.value;
  };

  it('lists the nodes and reads each kubelet; a node whose proxy fails is only a problem', async () => {
    const source = createClusterKubeletSource({ kubeConfig: kubeConfig(), endpoints: ['resource', 'summary'] });
    const c = await source.collect();
    expect(problemLines(c)).toEqual([
      `${api.url}/api/v1/nodes/gone-node/proxy/metrics/resource: GET ${api.url}/api/v1/nodes/gone-node/proxy/metrics/resource: HTTP 404 Not Found: "404 page not found"`,
      `${api.url}/api/v1/nodes/gone-node/proxy/stats/summary: GET ${api.url}/api/v1/nodes/gone-node/proxy/stats/summary: HTTP 404 Not Found: "404 page not found"`,
    ]);
    expect(valueOf(c, 'node_cpu_usage_seconds_total', { node: 'old-node', metrics_path: '/metrics/resource' })).toBe(
      281.55358469,
    );
    expect(valueOf(c, 'node_cpu_usage_seconds_total', { node: 'new-node', metrics_path: '/stats/summary' })).toBe(
      63.349226,
    );
    expect(samplesOf(c, 'up', { node: 'gone-node' }).map((s) => s.value)).toEqual([0, 0]);
    expect(c.metadata.filter((m) => m.name === 'node_cpu_usage_seconds_total')).toHaveLength(1);
  });

  it('a failing node list is one problem', async () => {
    api.route('/api/v1/nodes', {
      status: 403,
      contentType: 'application/json',
      body: '{"kind":"Status","message":"nodes is forbidden"}',
    });
    try {
      const c = await createClusterKubeletSource({ kubeConfig: kubeConfig() }).collect();
      expect(c.samples).toEqual([]);
      expect(problemLines(c)).toEqual([
        `nodes: cannot list nodes: GET ${api.url}/api/v1/nodes: HTTP 403: nodes is forbidden`,
      ]);
    } finally {
      api.route('/api/v1/nodes', nodeList('old-node', 'new-node', 'gone-node'));
    }
  });

  it('takes the node names from a given listNodes', async () => {
    const c = await createClusterKubeletSource({
      kubeConfig: kubeConfig(),
      endpoints: ['resource'],
      listNodes: () => Promise.resolve({ ok: true, value: ['new-node'] }),
    }).collect();
    expect(problemLines(c)).toEqual([]);
    expect(new Set(c.samples.map((s) => s.labels.node))).toEqual(new Set(['new-node']));
  });
});
