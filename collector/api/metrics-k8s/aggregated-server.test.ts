import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeAggregator, type FakeAggregator, type ReviewSpec } from '../../../test/support/fake-aggregator.js';
import { startKubeApiServer, type KubeApiServer } from '../../../test/support/kube-api-server.js';
import { createTestPki, type CertKey, type TestPki } from '../../../test/support/test-pki.js';
import { selfSignedCertificate } from '../../http/tls.js';
import { createLogger } from '../../log/index.js';
import { createEngine } from '../../promql/index.js';
import { loadKubeConfig } from '../../sources/kube/index.js';
import { openTsdb, type Tsdb } from '../../tsdb/index.js';
import { startAggregatedApi, type AggregatedApi } from './aggregated-server.js';
import { createDelegationApi } from './delegation-client.js';
import { createResourceMetrics, type ResourceMetrics } from './resource-metrics.js';

const NOW = 10 * 60_000;
const logger = createLogger({ level: 'error', format: 'json', write: () => undefined });
let pki: TestPki;
let frontProxyCa: CertKey;
let frontProxy: CertKey;
let otherProxy: CertKey;
let impostor: CertKey;
let userCert: CertKey;
let tsdb: Tsdb;
let metrics: ResourceMetrics;
let kube: KubeApiServer;
let aggregator: FakeAggregator;
let api: AggregatedApi;
let now = 1_000_000;
const serving = selfSignedCertificate({ commonName: 'kubepulse-hub.kubepulse.svc', altNames: ['127.0.0.1'] });

/** alice may list and get nodes and pods; carol (a direct client) may list nodes; everyone may read discovery. */
const policy = (s: ReviewSpec) => {
  if (s.nonResourceAttributes) return { allowed: true };
  if (s.user === 'alice' || s.groups?.includes('system:masters')) return { allowed: true };
  if (s.user === 'carol' && s.resourceAttributes?.resource === 'nodes') return { allowed: true };
  if (s.user === 'broken') return 'fail' as const;
  return { allowed: false, reason: 'no RBAC policy matched' };
};

beforeAll(async () => {
  pki = await createTestPki();
  frontProxyCa = await pki.ca('front-proxy-ca');
  const clientCa = await pki.ca('kubernetes');
  const otherCa = await pki.ca('someone-else');
  frontProxy = await pki.client(frontProxyCa, 'front-proxy-client');
  otherProxy = await pki.client(frontProxyCa, 'not-the-front-proxy');
  impostor = await pki.client(otherCa, 'front-proxy-client');
  userCert = await pki.client(clientCa, 'carol', ['ops', 'devs']);
  const apiCert = await pki.server(clientCa, 'kube-apiserver', ['127.0.0.1']);

  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  tsdb = opened.value;
  const app = tsdb.appender();
  for (let t = NOW - 60_000; t <= NOW; t += 15_000) {
    const s = (t - (NOW - 60_000)) / 1000;
    app.append(
      { __name__: 'node_cpu_seconds_total', job: 'node', instance: 'node-a', cpu: '0', mode: 'user' },
      t,
      100 + 0.5 * s,
    );
    app.append({ __name__: 'node_memory_MemTotal_bytes', job: 'node', instance: 'node-a' }, t, 4 * 2 ** 30);
    app.append({ __name__: 'node_memory_MemAvailable_bytes', job: 'node', instance: 'node-a' }, t, 3 * 2 ** 30);
    app.append(
      { __name__: 'container_cpu_usage_seconds_total', namespace: 'shop', pod: 'api-0', container: 'api' },
      t,
      10 + 0.2 * s,
    );
    app.append(
      { __name__: 'container_memory_working_set_bytes', namespace: 'shop', pod: 'api-0', container: 'api' },
      t,
      50 * 2 ** 20,
    );
  }
  await app.commit();
  metrics = createResourceMetrics({ engine: createEngine(tsdb), windowMs: 60_000, clock: () => NOW });

  aggregator = createFakeAggregator({
    authData: () => ({
      'client-ca-file': clientCa.cert,
      'requestheader-client-ca-file': frontProxyCa.cert,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    }),
    policy,
  });
  kube = await startKubeApiServer({}, { tls: { cert: apiCert.cert, key: apiCert.key }, extra: aggregator.extra });
  const kc = loadKubeConfig({ kind: 'server', server: kube.url, token: 'hub-sa-token', caPem: clientCa.cert });
  if (!kc.ok) throw kc.error;
  const started = await startAggregatedApi({
    listen: '127.0.0.1:0',
    tls: serving,
    metrics,
    auth: { kind: 'requestheader', api: createDelegationApi(kc.value) },
    logger,
    clock: () => now,
  });
  if (!started.ok) throw new Error(started.error);
  api = started.value;
  await api.authLoaded();
});

afterAll(async () => {
  await api?.stop(1000);
  await kube?.close();
  await tsdb?.close();
  await pki?.cleanup();
});

interface Call {
  readonly client?: CertKey;
  readonly headers?: Record<string, string | string[]>;
  readonly target?: AggregatedApi;
  readonly ca?: string;
}
const call = (
  path: string,
  c: Call = {},
): Promise<{ status: number; body: Record<string, unknown> | string; connection?: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      `https://${(c.target ?? api).address}${path}`,
      {
        ca: c.ca ?? serving.cert,
        headers: c.headers ?? {},
        ...(c.client ? { cert: c.client.cert, key: c.client.key } : {}),
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          const json = (res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            body: json ? (JSON.parse(text) as Record<string, unknown>) : text,
            connection: res.headers.connection ?? '',
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });

const NODES = '/apis/metrics.k8s.io/v1beta1/nodes';
const asFrontProxy = (user: string, groups: string[] = [], extra: Record<string, string> = {}): Call => ({
  client: frontProxy,
  headers: {
    'X-Remote-User': user,
    'X-Remote-Group': groups,
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`X-Remote-Extra-${k}`, v])),
  },
});

describe('aggregated metrics.k8s.io with requestheader authentication', () => {
  it('read the authentication ConfigMap with the hub credentials', () => {
    const read = kube.requests.filter((r) => r.path.endsWith('/configmaps/extension-apiserver-authentication'));
    expect(read.length).toBeGreaterThanOrEqual(1);
    expect(read[0]?.authorization).toBe('Bearer hub-sa-token');
  });

  it('answers 401 with a Status to a caller without a client certificate, even with X-Remote-User', async () => {
    const r = await call(NODES, { headers: { 'X-Remote-User': 'alice' } });
    expect(r.status).toBe(401);
    // Closed, so a client gets a fresh handshake (and certificate request) next time.
    expect(r.connection).toBe('close');
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('answers 401 to a front-proxy lookalike signed by another CA, a CN outside allowed-names, and a proxy that names no user', async () => {
    expect((await call(NODES, { client: impostor, headers: { 'X-Remote-User': 'alice' } })).status).toBe(401);
    expect((await call(NODES, { client: otherProxy, headers: { 'X-Remote-User': 'alice' } })).status).toBe(401);
    expect((await call(NODES, { client: frontProxy })).status).toBe(401);
  });

  it('serves an allowed user and asks the API server with the user, groups, extra and resource attributes', async () => {
    const before = aggregator.reviews.length;
    const r = await call(NODES, asFrontProxy('alice', ['devs', 'system:authenticated'], { scopes: 'read' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'NodeMetricsList',
      items: [{ metadata: { name: 'node-a' }, usage: { cpu: '500000000n', memory: `${1024 * 1024}Ki` } }],
    });
    expect(aggregator.reviews.slice(before)).toEqual([
      {
        user: 'alice',
        groups: ['devs', 'system:authenticated'],
        extra: { scopes: ['read'] },
        resourceAttributes: { verb: 'list', group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' },
      },
    ]);
  });

  it('names the namespace and pod in the review of a get, and returns the pod', async () => {
    const before = aggregator.reviews.length;
    const r = await call('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/api-0', asFrontProxy('alice'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'PodMetrics',
      metadata: { name: 'api-0', namespace: 'shop' },
      containers: [{ name: 'api', usage: { cpu: '200000000n' } }],
    });
    expect(aggregator.reviews.slice(before).map((s) => s.resourceAttributes)).toEqual([
      { verb: 'get', group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', namespace: 'shop', name: 'api-0' },
    ]);
  });

  it('answers 403 with the API server wording and the reviewer reason when denied', async () => {
    const r = await call('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', asFrontProxy('bob', ['devs']));
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods.metrics.k8s.io is forbidden: User "bob" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop": no RBAC policy matched',
      reason: 'Forbidden',
      details: { group: 'metrics.k8s.io', kind: 'pods' },
      code: 403,
    });
  });

  it('caches decisions for 10 s, allowed and denied alike, then asks again', async () => {
    now += 60_000; // past any earlier entry
    const count = (): number => aggregator.reviews.length;
    const start = count();
    expect((await call(NODES, asFrontProxy('alice'))).status).toBe(200);
    expect((await call(NODES, asFrontProxy('bob'))).status).toBe(403);
    expect(count()).toBe(start + 2);
    now += 9_000;
    expect((await call(NODES, asFrontProxy('alice'))).status).toBe(200);
    expect((await call(NODES, asFrontProxy('bob'))).status).toBe(403);
    expect(count()).toBe(start + 2);
    now += 1_001;
    expect((await call(NODES, asFrontProxy('alice'))).status).toBe(200);
    expect((await call(NODES, asFrontProxy('bob'))).status).toBe(403);
    expect(count()).toBe(start + 4);
  });

  it('takes a client-CA certificate as the user itself (CN, groups from O)', async () => {
    const before = aggregator.reviews.length;
    expect((await call(NODES, { client: userCert })).status).toBe(200);
    expect(aggregator.reviews[before]).toMatchObject({ user: 'carol', groups: ['ops', 'devs'] });
    expect((await call('/apis/metrics.k8s.io/v1beta1/pods', { client: userCert })).status).toBe(403);
  });

  it('authorizes discovery and OpenAPI as non-resource paths', async () => {
    const before = aggregator.reviews.length;
    const r = await call('/apis/metrics.k8s.io/v1beta1', asFrontProxy('system:kube-aggregator', ['system:masters']));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1' });
    expect(aggregator.reviews[before]?.nonResourceAttributes).toEqual({
      path: '/apis/metrics.k8s.io/v1beta1',
      verb: 'get',
    });
    expect((await call('/openapi/v2', asFrontProxy('alice'))).body).toMatchObject({ swagger: '2.0' });
    expect((await call('/openapi/v2')).status).toBe(401);
  });

  it('answers 500 when the SubjectAccessReview cannot be made, and does not cache that', async () => {
    const r = await call(NODES, asFrontProxy('broken'));
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'InternalError' });
    expect((r.body as { message: string }).message).toContain('HTTP 500: authorizer is down');
    const before = aggregator.reviews.length;
    await call(NODES, asFrontProxy('broken'));
    expect(aggregator.reviews.length).toBe(before + 1);
  });

  it('serves /healthz, /livez and /readyz to anyone', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) expect(await call(p)).toMatchObject({ status: 200, body: 'ok' });
  });
});

describe('aggregated metrics.k8s.io', () => {
  it('with authentication none serves anyone', async () => {
    const open = await startAggregatedApi({
      listen: '127.0.0.1:0',
      tls: serving,
      metrics,
      auth: { kind: 'none' },
      logger,
    });
    if (!open.ok) throw new Error(open.error);
    try {
      const r = await call(NODES, { target: open.value });
      expect(r.status).toBe(200);
      expect((r.body as { items: unknown[] }).items).toHaveLength(1);
      expect((await call('/apis/metrics.k8s.io/v1beta1/nodes/nope', { target: open.value })).status).toBe(404);
    } finally {
      await open.value.stop(1000);
    }
  });

  it('answers 503 (and /readyz 503) until the ConfigMap is readable, then serves', async () => {
    let reachable = false;
    const slow = await startAggregatedApi({
      listen: '127.0.0.1:0',
      tls: serving,
      metrics,
      auth: {
        kind: 'requestheader',
        refreshMs: 10_000, // retried after 1 s while failing
        api: {
          readAuthConfig: () => {
            if (!reachable) return Promise.resolve({ ok: false, error: 'GET https://kube/...: connect ECONNREFUSED' });
            return Promise.resolve({
              ok: true,
              value: {
                requestHeader: {
                  caPem: frontProxyCa.cert,
                  cas: [new X509Certificate(frontProxyCa.cert)],
                  allowedNames: [],
                  usernameHeaders: ['x-remote-user'],
                  groupHeaders: [],
                  extraPrefixes: [],
                },
              },
            });
          },
          review: () => Promise.resolve({ ok: true, value: { allowed: true, reason: '' } }),
        },
      },
      logger,
    });
    if (!slow.ok) throw new Error(slow.error);
    try {
      expect((await call(NODES, { target: slow.value, ...asFrontProxy('alice') })).status).toBe(503);
      expect((await call('/readyz', { target: slow.value })).status).toBe(503);
      reachable = true;
      await slow.value.authLoaded();
      expect((await call('/readyz', { target: slow.value })).status).toBe(200);
      expect((await call(NODES, { target: slow.value, ...asFrontProxy('alice') })).status).toBe(200);
    } finally {
      await slow.value.stop(1000);
    }
  });

  it('picks up a renewed serving certificate from its files', async () => {
    const renewed = selfSignedCertificate({ commonName: 'renewed', altNames: ['127.0.0.1'] });
    const certFile = join(pki.dir, 'serving.crt');
    const keyFile = join(pki.dir, 'serving.key');
    await writeFile(certFile, serving.cert);
    await writeFile(keyFile, serving.key);
    const a = await startAggregatedApi({
      listen: '127.0.0.1:0',
      tls: serving,
      tlsFiles: { certFile, keyFile },
      tlsReloadIntervalMs: 50,
      metrics,
      auth: { kind: 'none' },
      logger,
    });
    if (!a.ok) throw new Error(a.error);
    try {
      expect((await call('/healthz', { target: a.value })).status).toBe(200); // trusts `serving` only
      await writeFile(keyFile, renewed.key);
      await writeFile(certFile, renewed.cert);
      let status = 0;
      for (let i = 0; i < 100 && status !== -1; i++) {
        status = await call('/healthz', { target: a.value }).then(
          (r) => r.status,
          () => -1,
        );
        if (status !== -1) await new Promise((r) => setTimeout(r, 30));
      }
      expect(status).toBe(-1); // the old certificate is no longer served
      const r = await call('/healthz', { target: a.value, ca: renewed.cert });
      expect(r.status).toBe(200);
    } finally {
      await a.value.stop(1000);
    }
  });

  it('refuses a listen address it cannot bind, naming the setting', async () => {
    const r = await startAggregatedApi({ listen: api.address, tls: serving, metrics, auth: { kind: 'none' }, logger });
    expect(r).toEqual({
      ok: false,
      error: `metricsApi.listen: cannot listen on ${api.address}: address already in use`,
    });
  });
});
