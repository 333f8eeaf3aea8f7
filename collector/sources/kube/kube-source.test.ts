import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer, KubeObj } from '../../../test/support/kube-api-server.js';
import { startKubeApiServer } from '../../../test/support/kube-api-server.js';
import { KUBE_FIXTURES, kubeFixtureObjects } from '../../../test/support/kube-fixtures.js';
import type { Collection, SourceSample } from '../source.js';
import type { KubeSource, KubeSourceOptions } from './index.js';
import { createKubeSource, loadKubeConfig } from './index.js';

let server: KubeApiServer | undefined;
let source: KubeSource | undefined;
afterEach(async () => {
  await source?.stop();
  await server?.close();
  source = undefined;
  server = undefined;
});

async function setup(opts: Partial<KubeSourceOptions> = {}, seed = kubeFixtureObjects()) {
  server = await startKubeApiServer(seed);
  const kc = loadKubeConfig({ kind: 'server', server: server.url, token: 'test-token' });
  if (!kc.ok) throw kc.error;
  source = createKubeSource({ kubeConfig: kc.value, backoff: { initialMs: 10, maxMs: 50 }, ...opts });
  return { server, source };
}

/** `name{a="b",...} value` strings, sorted, for one family. */
function render(samples: readonly SourceSample[], name: string): string[] {
  return samples
    .filter((s) => s.labels['__name__'] === name)
    .map((s) => {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`);
      return `${name}{${labels.join(',')}} ${s.value}`;
    })
    .sort();
}

/** kube-state-metrics' own output for the same objects, in the same shape. */
function ksm(name: string): string[] {
  const text = readFileSync(path.join(KUBE_FIXTURES, 'ksm-metrics.txt'), 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1] ?? '', x[2] ?? '']);
    labels.sort(([a = ''], [b = '']) => a.localeCompare(b));
    out.push(`${name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}} ${Number(m[3])}`);
  }
  return out.sort();
}

function value(c: Collection, name: string, match: Record<string, string>): number | undefined {
  const s = c.samples.filter(
    (x) => x.labels['__name__'] === name && Object.entries(match).every(([k, v]) => x.labels[k] === v),
  );
  if (s.length > 1) throw new Error(`${name} ${JSON.stringify(match)} matches ${s.length} series`);
  return s[0]?.value;
}

async function eventually(src: KubeSource, check: (c: Collection) => boolean, timeoutMs = 5000): Promise<Collection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await src.collect();
    if (check(c)) return c;
    if (Date.now() > deadline)
      throw new Error(`condition not met after ${timeoutMs} ms; problems: ${JSON.stringify(c.problems)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pod = (name: string, phase: string, nodeName = 'datagen-1-34'): KubeObj => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}` },
  spec: {
    nodeName,
    containers: [{ name: 'app', image: 'shop/api:1', resources: { requests: { cpu: '250m', memory: '64Mi' } } }],
  },
  status: { phase, hostIP: '192.168.58.2', podIP: '10.244.0.99' },
});

describe('kube source: initial list of the captured cluster', () => {
  // One server and one list for the whole block: each case only reads the collection.
  let shared: { server: KubeApiServer; source: KubeSource; c: Collection };
  beforeAll(async () => {
    const s = await startKubeApiServer(kubeFixtureObjects());
    const kc = loadKubeConfig({ kind: 'server', server: s.url, token: 'test-token' });
    if (!kc.ok) throw kc.error;
    const src = createKubeSource({ kubeConfig: kc.value });
    shared = { server: s, source: src, c: await src.collect() };
  });
  afterAll(async () => {
    await shared.source.stop();
    await shared.server.close();
  });

  // Every family whose value kube-state-metrics recorded for these very objects must come out identical.
  const SAME_AS_KSM = [
    'kube_pod_info',
    'kube_pod_owner',
    'kube_pod_status_phase',
    'kube_pod_status_ready',
    'kube_pod_container_status_restarts_total',
    'kube_pod_container_status_waiting_reason',
    'kube_pod_container_status_last_terminated_reason',
    'kube_pod_container_resource_requests',
    'kube_pod_container_resource_limits',
    'kube_pod_container_info',
    'kube_node_info',
    'kube_node_status_condition',
    'kube_node_status_allocatable',
    'kube_node_status_capacity',
    'kube_node_spec_unschedulable',
    'kube_service_info',
    'kube_deployment_spec_replicas',
    'kube_deployment_status_replicas',
    'kube_deployment_status_replicas_available',
    'kube_deployment_status_replicas_updated',
    'kube_deployment_status_replicas_unavailable',
    'kube_deployment_status_observed_generation',
    'kube_deployment_metadata_generation',
    'kube_deployment_status_condition',
    'kube_replicaset_owner',
    'kube_replicaset_spec_replicas',
    'kube_daemonset_status_desired_number_scheduled',
    'kube_daemonset_status_current_number_scheduled',
    'kube_daemonset_status_number_misscheduled',
    'kube_daemonset_status_number_available',
    'kube_daemonset_status_number_ready',
    'kube_daemonset_status_updated_number_scheduled',
    'kube_daemonset_status_observed_generation',
    'kube_daemonset_metadata_generation',
    'kube_statefulset_replicas',
    'kube_statefulset_status_replicas',
    'kube_statefulset_status_replicas_ready',
    'kube_statefulset_status_replicas_current',
    'kube_statefulset_status_replicas_updated',
    'kube_statefulset_status_current_revision',
    'kube_statefulset_status_update_revision',
    'kube_statefulset_status_observed_generation',
    'kube_statefulset_metadata_generation',
    'kube_job_status_failed',
    'kube_job_status_succeeded',
    'kube_job_status_active',
    'kube_job_owner',
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'kube_horizontalpodautoscaler_status_current_replicas',
    'kube_horizontalpodautoscaler_status_desired_replicas',
  ];

  it('lists every resource without a problem', () => {
    expect(shared.c.problems).toEqual([]);
  });

  it.each(SAME_AS_KSM)('%s matches kube-state-metrics', (name) => {
    const { c } = shared;
    const expected = ksm(name);
    expect(expected.length).toBeGreaterThan(0);
    expect(render(c.samples, name)).toEqual(expected);
  });

  it('reads concrete values from the fixture objects', () => {
    const { c } = shared;
    const coredns = { namespace: 'kube-system', pod: 'coredns-66bc5c9577-d98t2', container: 'coredns' };
    // pods.yaml: requests cpu 100m, memory 70Mi; limits memory 170Mi.
    expect(value(c, 'kube_pod_container_resource_requests', { ...coredns, resource: 'cpu' })).toBe(0.1);
    expect(value(c, 'kube_pod_container_resource_requests', { ...coredns, resource: 'memory' })).toBe(70 * 2 ** 20);
    expect(value(c, 'kube_pod_container_resource_limits', { ...coredns, resource: 'memory' })).toBe(170 * 2 ** 20);
    // nodes.yaml: allocatable memory 16356452Ki, pods 110.
    expect(value(c, 'kube_node_status_allocatable', { node: 'datagen-1-34', resource: 'memory' })).toBe(
      16356452 * 1024,
    );
    expect(value(c, 'kube_node_status_allocatable', { node: 'datagen-1-34', resource: 'pods', unit: 'integer' })).toBe(
      110,
    );
    // endpoints.yaml: kube-dns is backed by the coredns pod.
    expect(
      value(c, 'kubepulse_service_pod_info', {
        namespace: 'kube-system',
        service: 'kube-dns',
        pod: 'coredns-66bc5c9577-d98t2',
      }),
    ).toBe(1);
    expect(value(c, 'kubepulse_kube_watch_errors_total', { resource: 'pods' })).toBe(0);
    expect(c.metadata.find((m) => m.name === 'kube_pod_container_status_restarts_total')?.type).toBe('counter');
  });

  it('sends the bearer token from the connection settings', () => {
    const { server } = shared;
    expect(server.requests.length).toBeGreaterThanOrEqual(10);
    for (const r of server.requests) expect(r.authorization).toBe('Bearer test-token');
  });
});

describe('kube source: watch', () => {
  it('follows pods being added, changing phase and being deleted', async () => {
    const { server, source } = await setup({ resources: ['pods'] });
    await source.collect();
    await server.waitForWatches('pods', 1);
    server.apply('pods', pod('api-0', 'Pending'));
    let c = await eventually(
      source,
      (c) => value(c, 'kube_pod_status_phase', { pod: 'api-0', phase: 'Pending' }) === 1,
    );
    expect(value(c, 'kube_pod_status_phase', { pod: 'api-0', phase: 'Running' })).toBe(0);
    expect(value(c, 'kube_pod_container_resource_requests', { pod: 'api-0', resource: 'cpu' })).toBe(0.25);

    server.apply('pods', pod('api-0', 'Running'));
    c = await eventually(source, (c) => value(c, 'kube_pod_status_phase', { pod: 'api-0', phase: 'Running' }) === 1);
    expect(value(c, 'kube_pod_status_phase', { pod: 'api-0', phase: 'Pending' })).toBe(0);

    server.remove('pods', 'shop', 'api-0');
    c = await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'api-0' }) === undefined);
    expect(c.samples.filter((s) => s.labels['pod'] === 'api-0')).toEqual([]);
    expect(value(c, 'kube_pod_info', { pod: 'coredns-66bc5c9577-d98t2' })).toBe(1);
  });

  it('relists after 410 Gone and keeps no object deleted while it was not watching', async () => {
    const { server, source } = await setup({ resources: ['pods'] });
    await source.collect();
    await server.waitForWatches('pods', 1);
    const relistsBefore = source.status().pods?.relists ?? 0;
    // The watch breaks, the pod goes, and the server forgets the history that would have told us.
    server.dropWatches();
    server.remove('pods', 'kube-system', 'coredns-66bc5c9577-d98t2');
    server.compact();
    const c = await eventually(
      source,
      (c) => value(c, 'kube_pod_info', { pod: 'coredns-66bc5c9577-d98t2' }) === undefined,
    );
    expect(source.status().pods?.relists).toBe(relistsBefore + 1);
    await server.waitForWatches('pods', 1);
    expect(value(c, 'kube_pod_info', { pod: 'etcd-datagen-1-34' })).toBe(1);
    // The relist watched from the new list's resourceVersion, not the expired one.
    const lastWatch = server.requests.filter((r) => r.watch).at(-1);
    expect(Number(lastWatch?.query['resourceVersion'])).toBe(server.resourceVersion());
  });

  it('relists when the watch is answered with an ERROR 410 event', async () => {
    const { server, source } = await setup({ resources: ['nodes'] });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    const lists = () => server.requests.filter((r) => !r.watch && r.path === '/api/v1/nodes').length;
    expect(lists()).toBe(1);
    server.goneOnNextWatch('nodes');
    server.dropWatches();
    await server.waitForWatches('nodes', 1);
    expect(lists()).toBe(2);
    expect(source.status().nodes?.relists).toBe(2);
  });

  it('relists when the watch request itself is answered with HTTP 410', async () => {
    const { server, source } = await setup({ resources: ['nodes'] });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    server.failNextWatch('nodes', { kind: 'http', code: 410, reason: 'Gone', message: 'resource version gone' });
    server.dropWatches();
    await server.waitForWatches('nodes', 1);
    expect(source.status().nodes?.relists).toBe(2);
  });

  it('counts a non-410 ERROR event, backs off and resumes watching without relisting', async () => {
    const { server, source } = await setup({ resources: ['pods'] });
    await source.collect();
    await server.waitForWatches('pods', 1);
    server.failNextWatch('pods', { kind: 'event', code: 500, reason: 'InternalError', message: 'etcd leader changed' });
    server.dropWatches();
    server.apply('pods', pod('api-3', 'Running'));
    const c = await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'api-3' }) === 1);
    expect(source.status().pods?.lastError).toMatch(/watch ERROR: etcd leader changed/);
    // One broken connection and one ERROR event.
    expect(value(c, 'kubepulse_kube_watch_errors_total', { resource: 'pods' })).toBe(2);
    expect(source.status().pods?.relists).toBe(1);
  });

  it('watches again, without counting an error, when the server ends a watch at timeoutSeconds', async () => {
    const { server, source } = await setup({ resources: ['nodes'], watchTimeoutSeconds: 1 });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    const watchesSoFar = () => server.requests.filter((r) => r.watch).length;
    expect(server.requests.find((r) => r.watch)?.query['timeoutSeconds']).toBe('1');
    const deadline = Date.now() + 10_000;
    while (watchesSoFar() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(watchesSoFar()).toBeGreaterThanOrEqual(2);
    expect(source.status().nodes?.errors).toBe(0);
    expect(source.status().nodes?.relists).toBe(1);
  });

  it('backs off instead of spinning when watches end at once without an event', async () => {
    const { server, source } = await setup({ resources: ['nodes'] });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    for (let i = 0; i < 3; i++) server.failNextWatch('nodes', { kind: 'close', code: 200, reason: '' });
    server.dropWatches();
    await server.waitForWatches('nodes', 1);
    // The dropped connection plus three empty watches, each followed by a backoff delay.
    expect(source.status().nodes?.errors).toBe(4);
    expect(source.status().nodes?.lastError).toMatch(/watch ended at once without an event/);
    expect(server.requests.filter((r) => r.watch)).toHaveLength(5);
  });

  it('drops a pod that leaves its node selector and adds one that enters it', async () => {
    const { server, source } = await setup({ resources: ['pods'], nodeName: 'node-b' });
    const first = await source.collect();
    expect(render(first.samples, 'kube_pod_info')).toEqual([]);
    await server.waitForWatches('pods', 1);
    server.apply('pods', pod('mover', 'Running', 'node-b'));
    await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'mover' }) === 1);
    server.apply('pods', pod('mover', 'Running', 'node-c'));
    await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'mover' }) === undefined);
  });

  it('re-opens a watch that has gone silent', async () => {
    const { server, source } = await setup({ resources: ['nodes'], watchIdleTimeoutMs: 200 });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    const deadline = Date.now() + 10_000;
    while ((source.status().nodes?.errors ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(source.status().nodes?.lastError).toMatch(/watch connection broke: .*no data for 200 ms/);
    await server.waitForWatches('nodes', 1);
    expect(server.requests.filter((r) => r.watch).length).toBeGreaterThanOrEqual(2);
    expect(source.status().nodes?.relists).toBe(1);
  });

  it('reconnects after a dropped connection and resumes from its resourceVersion', async () => {
    const { server, source } = await setup({ resources: ['pods'] });
    await source.collect();
    await server.waitForWatches('pods', 1);
    server.dropWatches();
    server.apply('pods', pod('api-1', 'Running'));
    const c = await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'api-1' }) === 1);
    expect(value(c, 'kubepulse_kube_watch_errors_total', { resource: 'pods' })).toBeGreaterThanOrEqual(1);
    // Resumed by watch (the event came from history), not by relisting.
    expect(server.requests.filter((r) => !r.watch).length).toBe(1);
    expect(c.problems).toEqual([]);
  });

  it('resumes from a bookmark', async () => {
    const { server, source } = await setup({ resources: ['nodes'] });
    await source.collect();
    await server.waitForWatches('nodes', 1);
    expect(server.requests.find((r) => r.watch)?.query['allowWatchBookmarks']).toBe('true');
    server.apply('pods', pod('elsewhere', 'Running')); // moves the global resourceVersion only
    const rv = server.resourceVersion();
    server.bookmark();
    await new Promise((r) => setTimeout(r, 50));
    server.dropWatches();
    await server.waitForWatches('nodes', 1);
    expect(server.requests.filter((r) => r.watch).at(-1)?.query['resourceVersion']).toBe(String(rv));
  });

  it('keeps the last known state and reports a problem while the API server is down', async () => {
    const { server, source } = await setup({ resources: ['pods', 'nodes'] });
    const before = await source.collect();
    await server.waitForWatches('pods', 1);
    await server.down();
    const during = await eventually(source, (c) => c.problems.length === 2);
    expect(during.problems.map((p) => p.place).sort()).toEqual([
      `${server.url}/api/v1/nodes`,
      `${server.url}/api/v1/pods`,
    ]);
    expect(during.problems[0]?.message).toMatch(/API server is unreachable/);
    expect(render(during.samples, 'kube_pod_info')).toEqual(render(before.samples, 'kube_pod_info'));
    expect(value(during, 'kubepulse_kube_watch_errors_total', { resource: 'pods' })).toBeGreaterThanOrEqual(1);
    await server.up();
    server.apply('pods', pod('api-2', 'Running'));
    const after = await eventually(
      source,
      (c) => c.problems.length === 0 && value(c, 'kube_pod_info', { pod: 'api-2' }) === 1,
    );
    expect(value(after, 'kube_node_info', { node: 'datagen-1-34' })).toBe(1);
  });

  it('reports a problem, not a crash, when the API server was never reachable', async () => {
    const { server, source } = await setup({ resources: ['pods'], initialSyncTimeoutMs: 200 });
    await server.down();
    const c = await source.collect();
    expect(c.samples.filter((s) => s.labels['__name__'] === 'kube_pod_info')).toEqual([]);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]?.place).toBe(`${server.url}/api/v1/pods`);
    expect(c.problems[0]?.message).toMatch(/^not listed yet: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/pods: /);
  });

  it('rejects a malformed object on its own and keeps the others', async () => {
    const { server, source } = await setup({ resources: ['pods'] });
    await source.collect();
    await server.waitForWatches('pods', 1);
    server.apply('pods', { metadata: { name: 'broken', namespace: 'shop' }, spec: { containers: 'not-a-list' } });
    const c = await eventually(source, (c) => c.problems.length > 0);
    expect(c.problems[0]?.place).toBe(`${server.url}/api/v1/pods shop/broken`);
    expect(c.problems[0]?.message).toMatch(/containers/);
    expect(value(c, 'kube_pod_info', { pod: 'coredns-66bc5c9577-d98t2' })).toBe(1);
  });
});

describe('kube source: node scope', () => {
  it('watches only its own node and the pods on it', async () => {
    const seed = kubeFixtureObjects();
    seed.pods.push(pod('other-node-pod', 'Running', 'node-b'));
    seed.nodes.push({ metadata: { name: 'node-b' }, spec: {}, status: {} });
    const { server, source } = await setup({ resources: ['pods', 'nodes'], nodeName: 'datagen-1-34' }, seed);
    const c = await source.collect();
    expect(value(c, 'kube_pod_info', { pod: 'other-node-pod' })).toBeUndefined();
    // 24 of the 25 captured pods run on datagen-1-34; e2e-container-pending is unschedulable and has no node.
    expect(render(c.samples, 'kube_pod_info')).toHaveLength(24);
    expect(value(c, 'kube_pod_info', { pod: 'e2e-container-pending' })).toBeUndefined();
    expect(render(c.samples, 'kube_node_info')).toHaveLength(1);
    const podQueries = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podQueries.every((r) => r.query['fieldSelector'] === 'spec.nodeName=datagen-1-34')).toBe(true);
    await server.waitForWatches('pods', 1);
    server.apply('pods', pod('late-b', 'Running', 'node-b'));
    server.apply('pods', pod('late-a', 'Running', 'datagen-1-34'));
    const later = await eventually(source, (c) => value(c, 'kube_pod_info', { pod: 'late-a' }) === 1);
    expect(value(later, 'kube_pod_info', { pod: 'late-b' })).toBeUndefined();
  });
});
