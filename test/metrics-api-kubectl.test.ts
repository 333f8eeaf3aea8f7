/**
 * `kubectl top` through the API aggregation layer, end to end: a real
 * `kubepulse hub` process with metricsApi on (HTTPS, self-signed,
 * requestheader authentication against the test API server), samples
 * remote-written to it, and a test kube-apiserver that serves discovery, the
 * Node and Pod objects and proxies /apis/metrics.k8s.io/* to the hub with the
 * front-proxy client certificate, as kube-aggregator does. kubectl is Debian's
 * (package kubernetes-client) or $KUBECTL.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWriteBody, REMOTE_WRITE_HEADERS, type WireTimeSeries } from '../collector/remote/index.js';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { createFakeAggregator, type FakeAggregator } from './support/fake-aggregator.js';
import { startKubeApiServer, type KubeApiServer, type KubeObj } from './support/kube-api-server.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';
const run = promisify(execFile);

let pki: TestPki;
let kube: KubeApiServer;
let aggregator: FakeAggregator;
let hub: Daemon;
let dir: string;

const node = (name: string, cpu: string, memory: string): KubeObj => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { capacity: { cpu, memory, pods: '110' }, allocatable: { cpu, memory, pods: '110' } },
});
const pod = (namespace: string, name: string, nodeName: string, containers: string[]): KubeObj => ({
  metadata: { namespace, name, uid: `${namespace}-${name}` },
  spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'example/app:1' })) },
  status: { phase: 'Running' },
});

/**
 * Linear counters and flat gauges on a regular 15 s grid from two minutes ago to three minutes
 * ahead: every 60 s rate window the hub evaluates during the test then has evenly spaced samples
 * on both sides, so Prometheus' extrapolation is exact and the rates are the slopes.
 */
function series(t: number): WireTimeSeries[] {
  const s = t / 1000;
  const one = (labels: Record<string, string>, value: number): WireTimeSeries => ({
    labels: Object.entries(labels).map(([name, v]) => ({ name, value: v })),
    samples: [{ value, timestamp: t }],
    exemplars: [],
    histograms: [],
  });
  const nodeLabels = { job: 'node', instance: 'node-a' };
  return [
    // node-a: two CPUs busy 0.75 s/s each in user mode → 1.5 cores; idle time is not usage.
    ...['0', '1'].flatMap((cpu) => [
      one({ __name__: 'node_cpu_seconds_total', ...nodeLabels, cpu, mode: 'user' }, 0.75 * s),
      one({ __name__: 'node_cpu_seconds_total', ...nodeLabels, cpu, mode: 'idle' }, 0.25 * s),
    ]),
    one({ __name__: 'node_memory_MemTotal_bytes', ...nodeLabels }, 8 * 2 ** 30),
    one({ __name__: 'node_memory_MemAvailable_bytes', ...nodeLabels }, 2 * 2 ** 30),
    // shop/api-0: api 250m + sidecar 10m; 100Mi + 20Mi working set. kube-system/dns-0: 5m, 30Mi.
    ...(
      [
        ['shop', 'api-0', 'api', 0.25, 100],
        ['shop', 'api-0', 'sidecar', 0.01, 20],
        ['kube-system', 'dns-0', 'coredns', 0.005, 30],
      ] as const
    ).flatMap(([namespace, p, container, cores, mib]) => [
      one({ __name__: 'container_cpu_usage_seconds_total', job: 'kubelet', namespace, pod: p, container }, cores * s),
      one(
        { __name__: 'container_memory_working_set_bytes', job: 'kubelet', namespace, pod: p, container },
        mib * 2 ** 20,
      ),
    ]),
  ];
}

async function remoteWrite(t: number): Promise<void> {
  const r = await fetch(`${hub.baseUrl}/api/v1/write`, {
    method: 'POST',
    headers: REMOTE_WRITE_HEADERS,
    body: encodeRemoteWriteBody({ timeseries: series(t), metadata: [] }),
  });
  expect(r.status, await r.text()).toBe(204);
}

async function kubectl(...args: string[]): Promise<string[][]> {
  const { stdout } = await run(
    KUBECTL,
    ['--kubeconfig', join(dir, 'kubectl.kubeconfig'), '--request-timeout', '20s', ...args],
    {
      env: { ...process.env, HOME: dir, KUBECONFIG: '' },
      timeout: 30_000,
    },
  );
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
}

/** The row for `key` in kubectl's table, as header → cell. */
function row(table: string[][], key: (r: Record<string, string>) => boolean): Record<string, string> | undefined {
  const [header = [], ...rows] = table;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))).find(key);
}

const kubeconfig = (server: string, ca: string, token: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'u' } }],
    'current-context': 'test',
  });

beforeAll(async () => {
  try {
    execFileSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `${KUBECTL} not found: install Debian's kubernetes-client (apt-get install -y kubernetes-client) or set KUBECTL`,
    );
  }
  dir = await tempDir('kubepulse-kubectl-');
  pki = await createTestPki();
  const clusterCa = await pki.ca('kubernetes');
  const frontProxyCa = await pki.ca('front-proxy-ca');
  const frontProxy = await pki.client(frontProxyCa, 'front-proxy-client');
  const apiCert = await pki.server(clusterCa, 'kube-apiserver', ['127.0.0.1', 'localhost']);

  aggregator = createFakeAggregator({
    authData: () => ({
      'client-ca-file': clusterCa.cert,
      'requestheader-client-ca-file': frontProxyCa.cert,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    }),
    // The hub's own ServiceAccount reads; alice reads metrics; nobody else does.
    policy: (s) =>
      s.user === 'alice' ? { allowed: true } : { allowed: false, reason: `no binding for ${s.user ?? ''}` },
    users: {
      'alice-token': { user: 'alice', groups: ['system:authenticated'] },
      'mallory-token': { user: 'mallory', groups: ['system:authenticated'] },
    },
    proxyClient: { cert: frontProxy.cert, key: frontProxy.key },
  });
  kube = await startKubeApiServer(
    {
      nodes: [node('node-a', '2', '8Gi')],
      pods: [pod('shop', 'api-0', 'node-a', ['api', 'sidecar']), pod('kube-system', 'dns-0', 'node-a', ['coredns'])],
    },
    { tls: { cert: apiCert.cert, key: apiCert.key }, extra: aggregator.extra },
  );
  await writeFile(join(dir, 'hub.kubeconfig'), kubeconfig(kube.url, clusterCa.cert, 'hub-token'));
  await writeFile(join(dir, 'kubectl.kubeconfig'), kubeconfig(kube.url, clusterCa.cert, 'alice-token'));
  await writeFile(join(dir, 'mallory.kubeconfig'), kubeconfig(kube.url, clusterCa.cert, 'mallory-token'));

  const port = await freePort();
  const metricsPort = await freePort();
  await writeFile(
    join(dir, 'hub.yaml'),
    [
      'kube:',
      '  mode: kubeconfig',
      `  kubeconfig: ${join(dir, 'hub.kubeconfig')}`,
      'metricsApi:',
      `  listen: 127.0.0.1:${metricsPort}`,
      '  authentication: requestheader',
      '',
    ].join('\n'),
  );
  hub = await startDaemon(
    [
      'hub',
      '--config',
      join(dir, 'hub.yaml'),
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
    ],
    port,
  );
  const now = Date.now();
  for (let t = now - 120_000; t <= now + 180_000; t += 15_000) await remoteWrite(t);
  // The APIService becomes Available once the aggregated API answers /readyz (it has read the auth ConfigMap).
  const backend = `https://127.0.0.1:${metricsPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await new Promise<boolean>((resolve) => {
      httpsGet(`${backend}/readyz`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`metricsApi never became ready: ${hub.output().stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  aggregator.register(backend);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await kube?.close();
  await pki?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubectl top through the aggregation layer', () => {
  it('kubectl top nodes prints the node with its CPU and memory usage and percentages of allocatable', async () => {
    const table = await kubectl('top', 'nodes');
    const a = row(table, (r) => r['NAME'] === 'node-a');
    expect(a, table.map((r) => r.join(' ')).join('\n')).toBeDefined();
    expect(a?.['CPU(cores)']).toBe('1500m');
    expect(a?.['MEMORY(bytes)']).toBe('6144Mi');
    // kubectl ≥ 1.29 heads the percentages CPU(%) and MEMORY(%), older ones CPU% and MEMORY%.
    expect(a?.['CPU%'] ?? a?.['CPU(%)']).toBe('75%');
    expect(a?.['MEMORY%'] ?? a?.['MEMORY(%)']).toBe('75%');
    expect(
      aggregator.proxied.some(
        (p) => p.path.startsWith('/apis/metrics.k8s.io/v1beta1/nodes') && p.user === 'alice' && p.status === 200,
      ),
    ).toBe(true);
    expect(aggregator.reviews).toContainEqual(
      expect.objectContaining({
        user: 'alice',
        resourceAttributes: { verb: 'list', group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' },
      }),
    );
  });

  it('kubectl top pods -A prints every pod with its containers summed', async () => {
    const table = await kubectl('top', 'pods', '-A');
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(table.slice(1).sort()).toEqual([
      ['kube-system', 'dns-0', '5m', '30Mi'],
      ['shop', 'api-0', '260m', '120Mi'],
    ]);
  });

  it('kubectl top pod --containers in one namespace', async () => {
    const table = await kubectl('top', 'pod', '-n', 'shop', '--containers');
    expect(table[0]).toEqual(['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(table.slice(1).sort()).toEqual([
      ['api-0', 'api', '250m', '100Mi'],
      ['api-0', 'sidecar', '10m', '20Mi'],
    ]);
  });

  it("a user the SubjectAccessReview denies gets kubectl's Forbidden error", async () => {
    const r = await run(KUBECTL, ['--kubeconfig', join(dir, 'mallory.kubeconfig'), 'top', 'nodes'], {
      env: { ...process.env, HOME: dir, KUBECONFIG: '' },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'nodes.metrics.k8s.io is forbidden: User "mallory" cannot list resource "nodes" in API group "metrics.k8s.io" at the cluster scope',
    );
  });
});
