import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../../test/support/kube-api-server.js';
import { startKubeApiServer } from '../../../test/support/kube-api-server.js';
import { KUBE_FIXTURES, readKubeList } from '../../../test/support/kube-fixtures.js';
import { createKubeSource, loadKubeConfig } from './index.js';

let server: KubeApiServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

describe('loadKubeConfig', () => {
  it('reads a kubeconfig file, picks the named context and sends its token', async () => {
    server = await startKubeApiServer({ nodes: readKubeList('nodes.yaml') });
    dir = mkdtempSync(path.join(tmpdir(), 'kubepulse-kubeconfig-'));
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: test',
        `  cluster: { server: "${server.url}", insecure-skip-tls-verify: true }`,
        '- name: elsewhere',
        '  cluster: { server: "https://192.0.2.1:6443" }',
        'users:',
        '- name: reader',
        '  user: { token: "from-kubeconfig" }',
        'contexts:',
        '- name: test',
        '  context: { cluster: test, user: reader }',
        '- name: other',
        '  context: { cluster: elsewhere, user: reader }',
        'current-context: other',
      ].join('\n'),
    );
    const kc = loadKubeConfig({ kind: 'kubeconfig', path: file, context: 'test' });
    if (!kc.ok) throw kc.error;
    const source = createKubeSource({ kubeConfig: kc.value, resources: ['nodes'] });
    const c = await source.collect();
    await source.stop();
    expect(c.problems).toEqual([]);
    expect(
      c.samples.some((s) => s.labels['__name__'] === 'kube_node_info' && s.labels['node'] === 'datagen-1-34'),
    ).toBe(true);
    expect(server.requests[0]?.authorization).toBe('Bearer from-kubeconfig');
  });

  it('names the problem with each way of connecting', () => {
    const missing = loadKubeConfig({ kind: 'kubeconfig', path: '/nonexistent/kubeconfig' });
    expect(!missing.ok && missing.error.message).toBe('/nonexistent/kubeconfig: kubeconfig file does not exist');
    const badUrl = loadKubeConfig({ kind: 'server', server: 'not a url' });
    expect(!badUrl.ok && badUrl.error.message).toBe('server: "not a url" is not a URL');
    const badScheme = loadKubeConfig({ kind: 'server', server: 'ftp://example.com' });
    expect(!badScheme.ok && badScheme.error.message).toBe('server: "ftp://example.com": expected an http or https URL');
    const noCa = loadKubeConfig({ kind: 'server', server: 'https://10.0.0.1:6443', caFile: '/nonexistent/ca.crt' });
    expect(!noCa.ok && noCa.error.message).toBe('/nonexistent/ca.crt: CA file does not exist');
  });

  it('finds no kubeconfig instead of falling back to localhost:8080', () => {
    const saved = { kubeconfig: process.env['KUBECONFIG'], host: process.env['KUBERNETES_SERVICE_HOST'] };
    process.env['KUBECONFIG'] = '/nonexistent/a:/nonexistent/b';
    delete process.env['KUBERNETES_SERVICE_HOST'];
    try {
      const r = loadKubeConfig({ kind: 'auto' });
      expect(!r.ok && r.error.message).toBe('no kubeconfig found (looked at /nonexistent/a, /nonexistent/b)');
    } finally {
      if (saved.kubeconfig === undefined) delete process.env['KUBECONFIG'];
      else process.env['KUBECONFIG'] = saved.kubeconfig;
      if (saved.host !== undefined) process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
    }
  });

  it('says when it is not running in a pod', () => {
    const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
    delete process.env['KUBERNETES_SERVICE_HOST'];
    delete process.env['KUBERNETES_SERVICE_PORT'];
    try {
      const r = loadKubeConfig({ kind: 'in-cluster' });
      expect(!r.ok && r.error.message).toMatch(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
      process.env['KUBERNETES_SERVICE_HOST'] = '10.96.0.1';
      process.env['KUBERNETES_SERVICE_PORT'] = '443';
      const noToken = loadKubeConfig({ kind: 'in-cluster', pathPrefix: '/nonexistent' });
      expect(!noToken.ok && noToken.error.message).toBe(
        'in-cluster: /nonexistent/var/run/secrets/kubernetes.io/serviceaccount/token: ServiceAccount token is not mounted',
      );
    } finally {
      if (saved.host === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
      else process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
      if (saved.port === undefined) delete process.env['KUBERNETES_SERVICE_PORT'];
      else process.env['KUBERNETES_SERVICE_PORT'] = saved.port;
    }
  });

  describe('over TLS', () => {
    const tlsDir = path.join(KUBE_FIXTURES, 'tls');
    const tls = {
      cert: readFileSync(path.join(tlsDir, 'server.crt'), 'utf8'),
      key: readFileSync(path.join(tlsDir, 'server.key'), 'utf8'),
    };
    const collectNodes = async (connection: Parameters<typeof loadKubeConfig>[0]) => {
      const kc = loadKubeConfig(connection);
      if (!kc.ok) throw kc.error;
      const source = createKubeSource({ kubeConfig: kc.value, resources: ['nodes'], initialSyncTimeoutMs: 1000 });
      try {
        return await source.collect();
      } finally {
        await source.stop();
      }
    };
    const nodeInfo = (c: Awaited<ReturnType<typeof collectNodes>>) =>
      c.samples.filter((s) => s.labels['__name__'] === 'kube_node_info').length;

    it('verifies the server against the given CA, from a file or as PEM text', async () => {
      server = await startKubeApiServer({ nodes: readKubeList('nodes.yaml') }, { tls });
      expect(server.url).toMatch(/^https:/);
      const byFile = await collectNodes({
        kind: 'server',
        server: server.url,
        token: 't',
        caFile: path.join(tlsDir, 'server.crt'),
      });
      expect(byFile.problems).toEqual([]);
      expect(nodeInfo(byFile)).toBe(1);
      const byPem = await collectNodes({ kind: 'server', server: server.url, token: 't', caPem: tls.cert });
      expect(nodeInfo(byPem)).toBe(1);
      expect(server.requests.every((r) => r.authorization === 'Bearer t')).toBe(true);
    });

    it('refuses a server its CA did not sign, unless told to skip verification', async () => {
      server = await startKubeApiServer({ nodes: readKubeList('nodes.yaml') }, { tls });
      const wrongCa = await collectNodes({
        kind: 'server',
        server: server.url,
        caFile: path.join(tlsDir, 'other-ca.crt'),
      });
      expect(nodeInfo(wrongCa)).toBe(0);
      expect(wrongCa.problems[0]?.message).toMatch(
        /^not listed yet: GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/nodes: .*(certificate|self.signed)/i,
      );
      const skip = await collectNodes({ kind: 'server', server: server.url, insecureSkipTlsVerify: true });
      expect(nodeInfo(skip)).toBe(1);
    });
  });
});
