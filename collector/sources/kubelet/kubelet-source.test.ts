import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { problemLines, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import type { TestKubelet } from '../../../test/support/kubelet-server.js';
import { captureRoutes, startKubeletServer } from '../../../test/support/kubelet-server.js';
import { loadKubeConfig } from '../kube/index.js';
import type { Collection } from '../source.js';
import { inClusterKubeletConnection } from './in-cluster.js';
import type { KubeletConnection, KubeletSourceOptions } from './kubelet-source.js';
import { createKubeletSource } from './kubelet-source.js';

const TOKEN = 'test-service-account-token';
const POD = { namespace: 'scraper', pod: 'e2e-deployment-6fb786454b-7fsxc' };
const upOf = (c: Collection, path: string): number => valueOf(c, 'up', { metrics_path: path });

describe('kubelet source against a test kubelet over HTTPS', () => {
  let kubelet: TestKubelet;
  let dir: string;
  beforeAll(async () => {
    kubelet = await startKubeletServer({ token: TOKEN, routes: captureRoutes('1_34') });
    dir = mkdtempSync(join(tmpdir(), 'kubelet-source-'));
  });
  afterAll(async () => {
    await kubelet.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const direct = (extra: Partial<Extract<KubeletConnection, { kind: 'direct' }>> = {}): KubeletConnection => ({
    kind: 'direct',
    url: kubelet.url,
    token: TOKEN,
    caPem: kubelet.caPem,
    ...extra,
  });
  const collect = (connection: KubeletConnection, rest: Partial<KubeletSourceOptions> = {}) =>
    createKubeletSource({ node: 'datagen-1-34', connection, ...rest }).collect();

  it('reads all three endpoints with the token and CA; each series says where it came from', async () => {
    const before = kubelet.requests.length;
    const c = await collect(direct());
    expect(problemLines(c)).toEqual([]);
    for (const path of ['/metrics/resource', '/metrics/cadvisor', '/stats/summary']) expect(upOf(c, path)).toBe(1);
    const cpu = (path: string) =>
      valueOf(c, 'container_cpu_usage_seconds_total', { ...POD, container: 'compute-pi-digits', metrics_path: path });
    // The same counter through three endpoints; cAdvisor's series also carries its cgroup id, hence one match each.
    expect([cpu('/metrics/resource'), cpu('/stats/summary'), cpu('/metrics/cadvisor')]).toEqual([
      2.756273, 2.756273, 2.756273,
    ]);
    expect(samplesOf(c, 'node_cpu_usage_seconds_total', { job: 'kubelet', node: 'datagen-1-34' })).toHaveLength(2);
    expect(c.metadata.filter((m) => m.name === 'container_cpu_usage_seconds_total')).toHaveLength(1);
    const seen = kubelet.requests.slice(before);
    expect(seen.map((r) => r.path).sort()).toEqual(['/metrics/cadvisor', '/metrics/resource', '/stats/summary']);
    expect(seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // The metrics came gzipped, as a real kubelet sends them; the summary JSON did not.
    expect(seen.map((r) => [r.path, r.gzipped]).sort()).toEqual([
      ['/metrics/cadvisor', true],
      ['/metrics/resource', true],
      ['/stats/summary', false],
    ]);
  });

  it('reads the token file on every collection, so a rotated token is picked up', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'expired-token\n');
    const source = createKubeletSource({
      node: 'n',
      endpoints: ['resource'],
      connection: { kind: 'direct', url: kubelet.url, tokenFile, caPem: kubelet.caPem },
    });
    const first = await source.collect();
    expect(problemLines(first)).toEqual([
      `${kubelet.url}/metrics/resource: GET ${kubelet.url}/metrics/resource: HTTP 401 Unauthorized: "Unauthorized"`,
    ]);
    expect(upOf(first, '/metrics/resource')).toBe(0);
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const second = await source.collect();
    expect(problemLines(second)).toEqual([]);
    expect(valueOf(second, 'pod_cpu_usage_seconds_total', POD)).toBe(2.900063);
  });

  it('a missing token file is a problem, not a throw', async () => {
    const c = await collect(direct({ token: undefined, tokenFile: join(dir, 'nope') }), { endpoints: ['resource'] });
    expect(problemLines(c)).toEqual([
      `${kubelet.url}/metrics/resource: GET ${kubelet.url}/metrics/resource: ${join(dir, 'nope')}: cannot read token: ENOENT: no such file or directory, open '${join(dir, 'nope')}'`,
    ]);
  });

  it('refuses the self-signed certificate without the CA, accepts it with insecureSkipVerify', async () => {
    const refused = await collect(direct({ caPem: undefined }), { endpoints: ['resource'] });
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0]?.message).toMatch(
      /^GET https:\/\/127\.0\.0\.1:\d+\/metrics\/resource: .*self-signed certificate/,
    );
    const insecure = await collect(direct({ caPem: undefined, insecureSkipVerify: true }), { endpoints: ['resource'] });
    expect(problemLines(insecure)).toEqual([]);
    expect(valueOf(insecure, 'node_memory_working_set_bytes')).toBe(898445312);
  });

  it('in-cluster: the ServiceAccount token and CA under their usual paths', async () => {
    const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), TOKEN);
    writeFileSync(join(sa, 'ca.crt'), kubelet.caPem);
    const port = Number(new URL(kubelet.url).port);
    const connection = inClusterKubeletConnection({ nodeAddress: '127.0.0.1', port, pathPrefix: dir });
    const c = await collect(connection, { endpoints: ['resource'] });
    expect(problemLines(c)).toEqual([]);
    expect(valueOf(c, 'pod_memory_working_set_bytes', POD)).toBe(10661888);
    expect(inClusterKubeletConnection({ nodeAddress: 'fd00::7', insecureSkipVerify: true })).toEqual({
      kind: 'direct',
      url: 'https://[fd00::7]:10250',
      tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      insecureSkipVerify: true,
    });
  });

  it('the CA can come from a file', async () => {
    const caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, kubelet.caPem);
    const c = await collect(direct({ caPem: undefined, caFile }), { endpoints: ['summary'] });
    expect(problemLines(c)).toEqual([]);
    expect(valueOf(c, 'container_network_receive_bytes_total', { ...POD, interface: 'eth0' })).toBe(446);
  });
});

describe('a sick kubelet', () => {
  let kubelet: TestKubelet;
  beforeAll(async () => {
    kubelet = await startKubeletServer({ tls: false, routes: captureRoutes('1_34') });
  });
  afterAll(async () => kubelet.close());
  afterEach(() => {
    for (const [path, route] of Object.entries(captureRoutes('1_34'))) kubelet.route(path, route);
  });
  const source = (timeoutMs = 5_000, bodyLimitBytes?: number) =>
    createKubeletSource({
      node: 'n',
      connection: { kind: 'direct', url: kubelet.url, timeoutMs, ...(bodyLimitBytes ? { bodyLimitBytes } : {}) },
    });

  it('an endpoint that never answers times out; the others still deliver', async () => {
    const hung = await startKubeletServer({ tls: false, routes: captureRoutes('1_34') });
    hung.hang('/metrics/cadvisor');
    try {
      const c = await createKubeletSource({
        node: 'n',
        connection: { kind: 'direct', url: hung.url, timeoutMs: 300 },
      }).collect();
      expect(problemLines(c)).toEqual([
        `${hung.url}/metrics/cadvisor: GET ${hung.url}/metrics/cadvisor: timed out after 300 ms`,
      ]);
      expect(upOf(c, '/metrics/cadvisor')).toBe(0);
      expect(upOf(c, '/metrics/resource')).toBe(1);
      expect(valueOf(c, 'pod_cpu_usage_seconds_total', { ...POD, metrics_path: '/stats/summary' })).toBe(2.900063);
      expect(samplesOf(c, 'container_cpu_usage_seconds_total', { metrics_path: '/metrics/cadvisor' })).toHaveLength(0);
    } finally {
      await hung.close();
    }
  });

  it('an HTML page with status 200 is named as such, with its text', async () => {
    kubelet.route('/metrics/resource', {
      contentType: 'text/html; charset=utf-8',
      body: '<!DOCTYPE html><html><head><title>Sign in</title><style>p{}</style></head><body><p>Please sign in</p></body></html>',
    });
    const c = await source().collect();
    expect(problemLines(c)).toEqual([
      `${kubelet.url}/metrics/resource: GET ${kubelet.url}/metrics/resource: expected metrics text, got an HTML page: "Sign in Please sign in"`,
    ]);
  });

  it('an HTML error page with a 502 status', async () => {
    kubelet.route('/stats/summary', {
      status: 502,
      contentType: 'text/html',
      body: '<html><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>',
    });
    const c = await source().collect();
    expect(problemLines(c)).toEqual([
      `${kubelet.url}/stats/summary: GET ${kubelet.url}/stats/summary: HTTP 502 Bad Gateway: "502 Bad Gateway nginx"`,
    ]);
    expect(upOf(c, '/stats/summary')).toBe(0);
  });

  it('garbage in place of metrics text or JSON', async () => {
    kubelet.route('/metrics/resource', {
      contentType: 'text/plain',
      body: 'node_cpu_usage_seconds_total 1\n\u0000\u0001garbage{\n',
    });
    kubelet.route('/stats/summary', { contentType: 'application/json', body: '{"node": {"nodeName": 5}}' });
    const c = await source().collect();
    const lines = problemLines(c);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^${kubelet.url}/metrics/resource: GET ${kubelet.url}/metrics/resource: bad metrics text: line 2: `),
    );
    expect(lines[1]).toBe(
      `${kubelet.url}/stats/summary: GET ${kubelet.url}/stats/summary: bad stats summary: node.nodeName: Invalid input: expected string, received number`,
    );
    expect(upOf(c, '/metrics/cadvisor')).toBe(1);
  });

  it('a body over the limit is cut off', async () => {
    const c = await source(5_000, 200_000).collect(); // cadvisor is 1.5 MB, the others are smaller
    expect(problemLines(c)).toEqual([
      `${kubelet.url}/metrics/cadvisor: GET ${kubelet.url}/metrics/cadvisor: body size limit exceeded: more than 200000 bytes`,
    ]);
  });

  it('a closed port and a cancelled collection', async () => {
    const gone = await startKubeletServer({ tls: false, routes: {} });
    await gone.close();
    const refused = await createKubeletSource({
      node: 'n',
      endpoints: ['resource'],
      connection: { kind: 'direct', url: gone.url },
    }).collect();
    expect(refused.problems[0]?.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/metrics\/resource: fetch failed \(.*ECONNREFUSED/,
    );
    const aborted = await source().collect(AbortSignal.abort());
    expect(aborted.problems.map((p) => p.message)).toEqual([
      `GET ${kubelet.url}/metrics/resource: cancelled`,
      `GET ${kubelet.url}/metrics/cadvisor: cancelled`,
      `GET ${kubelet.url}/stats/summary: cancelled`,
    ]);
  });
});

describe('through the API server node proxy', () => {
  const PREFIX = '/api/v1/nodes/kind-worker/proxy';
  let apiServer: TestKubelet;
  beforeAll(async () => {
    apiServer = await startKubeletServer({ token: TOKEN, pathPrefix: PREFIX, routes: captureRoutes('1_18') });
  });
  afterAll(async () => apiServer.close());

  it('GETs /api/v1/nodes/<node>/proxy/<path> with the kubeconfig credentials', async () => {
    const kc = loadKubeConfig({ kind: 'server', server: apiServer.url, token: TOKEN, caPem: apiServer.caPem });
    if (!kc.ok) throw kc.error;
    const source = createKubeletSource({
      node: 'kind-worker',
      connection: { kind: 'proxy', kubeConfig: kc.value, node: 'kind-worker' },
    });
    expect(source.client.baseUrl).toBe(`${apiServer.url}${PREFIX}`);
    const c = await source.collect();
    expect(problemLines(c)).toEqual([]);
    expect(apiServer.requests.map((r) => r.path).sort()).toEqual([
      `${PREFIX}/metrics/cadvisor`,
      `${PREFIX}/metrics/resource`,
      `${PREFIX}/stats/summary`,
    ]);
    expect(apiServer.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const coredns = { namespace: 'kube-system', pod: 'coredns-66bff467f8-hm847', node: 'kind-worker' };
    expect(valueOf(c, 'pod_cpu_usage_seconds_total', { ...coredns, metrics_path: '/stats/summary' })).toBe(3.161062589);
    expect(valueOf(c, 'scrape_error')).toBe(0);
  });

  it('a node the API server does not know is a 404 problem', async () => {
    const kc = loadKubeConfig({ kind: 'server', server: apiServer.url, token: TOKEN, caPem: apiServer.caPem });
    if (!kc.ok) throw kc.error;
    const c = await createKubeletSource({
      node: 'ghost',
      endpoints: ['resource'],
      connection: { kind: 'proxy', kubeConfig: kc.value, node: 'ghost' },
    }).collect();
    expect(problemLines(c)).toEqual([
      `${apiServer.url}/api/v1/nodes/ghost/proxy/metrics/resource: GET ${apiServer.url}/api/v1/nodes/ghost/proxy/metrics/resource: HTTP 404 Not Found: "404 page not found"`,
    ]);
  });
});
