import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../../test/support/kube-api-server.js';
import { startKubeApiServer } from '../../../test/support/kube-api-server.js';
import { readKubeList } from '../../../test/support/kube-fixtures.js';
import { createKubeApi, loadKubeConfig } from './index.js';

let server: KubeApiServer | undefined;
let raw: http.Server | undefined;
afterEach(async () => {
  await server?.close();
  await new Promise((r) => (raw ? raw.close(r) : r(undefined)));
  server = undefined;
  raw = undefined;
});

function api(url: string) {
  const kc = loadKubeConfig({ kind: 'server', server: url });
  if (!kc.ok) throw kc.error;
  return createKubeApi(kc.value);
}

describe('createKubeApi', () => {
  it('classifies an expired resourceVersion on list as gone, other answers as http', async () => {
    server = await startKubeApiServer({ nodes: readKubeList('nodes.yaml') });
    const old = String(server.resourceVersion());
    server.apply('nodes', { metadata: { name: 'node-b' } });
    server.compact();
    const signal = new AbortController().signal;
    const expired = await api(server.url).list('/api/v1/nodes', { resourceVersion: old }, signal);
    expect(!expired.ok && expired.error.kind).toBe('gone');
    expect(!expired.ok && expired.error.message).toBe(
      `GET ${server.url}/api/v1/nodes: HTTP 410: too old resource version: ${old} (${server.resourceVersion()})`,
    );
    const fresh = await api(server.url).list('/api/v1/nodes', {}, signal);
    expect(fresh.ok && (fresh.value as { items: unknown[] }).items).toHaveLength(2);
    const missing = await api(server.url).list('/api/v1/nothing', {}, signal);
    expect(!missing.ok && [missing.error.kind, missing.error.status]).toEqual(['http', 404]);
  });

  it('reports a refused connection as a network error', async () => {
    server = await startKubeApiServer();
    const url = server.url;
    await server.down();
    const r = await api(url).list('/api/v1/pods', {}, new AbortController().signal);
    expect(!r.ok && r.error.kind).toBe('network');
    expect(!r.ok && r.error.message).toMatch(new RegExp(`^GET ${url}/api/v1/pods: fetch failed \\(.*ECONNREFUSED`));
  });

  it('reassembles watch lines split across chunks and sends watch=1', async () => {
    let query = '';
    raw = http.createServer((req, res) => {
      query = req.url ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"na');
      setTimeout(() => {
        res.write('me":"a"}}}\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n\n{"type":"BOOKMARK",');
        setTimeout(() => res.end('"object":{"metadata":{"resourceVersion":"9"}}}'), 20);
      }, 20);
    });
    await new Promise<void>((r) => raw?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    const w = await api(url).watch(
      '/api/v1/pods',
      { resourceVersion: '5' },
      {
        signal: new AbortController().signal,
        idleTimeoutMs: 5000,
      },
    );
    if (!w.ok) throw w.error;
    const lines: string[] = [];
    for await (const line of w.value) lines.push(line);
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['ADDED', 'DELETED', 'BOOKMARK']);
    expect(query).toBe('/api/v1/pods?resourceVersion=5&watch=1');
  });
});
