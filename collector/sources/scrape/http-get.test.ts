import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../http/tls.js';
import { httpGet } from './http-get.js';
import { localServers } from './testing/local-servers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers = localServers();

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  return { url: `http://127.0.0.1:${await servers.listen(server)}`, server };
}

describe('httpGet', () => {
  it('follows redirects, keeping credentials on the same origin and dropping them elsewhere', async () => {
    const seen: { path: string; auth?: string | undefined }[] = [];
    const other = await serve((req, res) => {
      seen.push({ path: `other${req.url}`, auth: req.headers.authorization });
      res.end('landed');
    });
    const first = await serve((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else res.writeHead(307, { location: `${other.url}/c` }).end();
    });
    const r = await httpGet(`${first.url}/a`, { timeoutMs: 2_000, headers: { authorization: 'Bearer s3cret' } });
    expect(r.ok && { status: r.value.status, url: r.value.url, body: Buffer.from(r.value.body).toString() }).toEqual({
      status: 200,
      url: `${other.url}/c`,
      body: 'landed',
    });
    expect(seen).toEqual([
      { path: '/a', auth: 'Bearer s3cret' },
      { path: '/b', auth: 'Bearer s3cret' },
      { path: 'other/c', auth: undefined },
    ]);
  });

  it('stops after the redirect limit, and returns a redirect as is with maxRedirects 0', async () => {
    let hops = 0;
    const loop = await serve((req, res) => {
      hops++;
      res.writeHead(301, { location: `/hop${hops}` }).end();
    });
    const r = await httpGet(loop.url, { timeoutMs: 2_000, maxRedirects: 3 });
    expect(r.ok ? 'ok' : r.error).toEqual({ kind: 'redirect', message: 'stopped after 3 redirects' });
    expect(hops).toBe(4);
    const none = await httpGet(loop.url, { timeoutMs: 2_000, maxRedirects: 0 });
    expect(none.ok && none.value.status).toBe(301);
  });

  it('decodes gzip as a stream and counts the limit on the decoded bytes', async () => {
    const plain = 'x'.repeat(1_000_000);
    const zipped = gzipSync(plain);
    expect(zipped.byteLength).toBeLessThan(5_000);
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(zipped);
    });
    const whole = await httpGet(url, { timeoutMs: 2_000 });
    expect(whole.ok && [whole.value.body.byteLength, whole.value.contentType]).toEqual([1_000_000, 'text/plain']);
    const cut = await httpGet(url, { timeoutMs: 2_000, bodyLimitBytes: 100_000 });
    expect(cut.ok ? 'ok' : cut.error).toEqual({
      kind: 'too-large',
      message: 'body size limit exceeded: more than 100000 bytes',
    });
  });

  it('names a body that does not decode, and an encoding it does not know', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' }).end('not gzip at all');
    });
    const bad = await httpGet(url, { timeoutMs: 2_000 });
    expect(bad.ok ? 'ok' : `${bad.error.kind}: ${bad.error.message}`).toBe(
      'decode: cannot decode the gzip body: incorrect header check (Z_DATA_ERROR)',
    );
    const zstd = await httpGet(`${url}/zstd`, { timeoutMs: 2_000 });
    expect(zstd.ok ? 'ok' : zstd.error.message).toBe('unsupported Content-Encoding "zstd"');
  });

  it('sends a GET again once when a kept-alive socket was closed by the server', async () => {
    // The server answers the first request on each connection and drops the connection at the second,
    // as a server whose idle timeout fired just as the client reused the socket.
    const perSocket = new WeakMap<Socket, number>();
    let sockets = 0;
    const { url } = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n === 1) sockets++;
      if (n > 1) return void req.socket.destroy();
      res.end(`answer on socket ${sockets}`);
    });
    const body = async () => {
      const r = await httpGet(url, { timeoutMs: 2_000 });
      return r.ok ? Buffer.from(r.value.body).toString() : r.error.message;
    };
    expect(await body()).toBe('answer on socket 1');
    expect(await body()).toBe('answer on socket 2');
  });

  it('holds no answer once it has handed it over, while its kept-alive socket waits in the pool', async () => {
    // The socket keeps the request's listeners until its next request; before, they kept the whole
    // exchange, body included, for that long (the kubelet's /pods: ~1 MB, every 15 s).
    // TLS is the case that kept it: the https agent's 'session' listener holds the socket's last request.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const pair = selfSignedCertificate({ commonName: 'localhost', altNames: ['127.0.0.1'] });
    const server = createHttpsServer(pair, (_req, res) => res.end(Buffer.alloc(1 << 20, 7)));
    const url = `https://127.0.0.1:${await servers.listen(server)}`;
    const httpsAgent = new HttpsAgent({ keepAlive: true, ca: pair.cert });
    const fetchOnce = async (): Promise<WeakRef<Uint8Array>> => {
      const r = await httpGet(url, { timeoutMs: 2_000, httpsAgent });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.body.byteLength).toBe(1 << 20);
      return new WeakRef(r.value.body);
    };
    const answer = await fetchOnce();
    for (let i = 0; i < 10 && answer.deref() !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    expect(answer.deref()).toBeUndefined();
    expect(Object.values(httpsAgent.freeSockets).flat()).toHaveLength(1); // the socket did wait in the pool
    httpsAgent.destroy();
  });

  it('times out, is cancelled, and reads no error body when asked not to', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/hang') return;
      res.writeHead(503, 'Busy Now').end('a long explanation');
    });
    const hung = await httpGet(`${url}/hang`, { timeoutMs: 100 });
    expect(hung.ok ? 'ok' : hung.error).toEqual({ kind: 'timeout', message: 'timed out after 100 ms' });
    const controller = new AbortController();
    const pending = httpGet(`${url}/hang`, { timeoutMs: 2_000, signal: controller.signal });
    controller.abort();
    const cancelled = await pending;
    expect(cancelled.ok ? 'ok' : cancelled.error).toMatchObject({ kind: 'cancelled', message: 'cancelled' });
    const already = await httpGet(url, { timeoutMs: 2_000, signal: AbortSignal.abort() });
    expect(already.ok ? 'ok' : already.error.kind).toBe('cancelled');

    const kept = await httpGet(url, { timeoutMs: 2_000 });
    expect(kept.ok && [kept.value.status, kept.value.statusText, Buffer.from(kept.value.body).toString()]).toEqual([
      503,
      'Busy Now',
      'a long explanation',
    ]);
    const discarded = await httpGet(url, { timeoutMs: 2_000, discardErrorBody: true });
    expect(discarded.ok && [discarded.value.status, discarded.value.body.byteLength]).toEqual([503, 0]);
  });

  it('says why a connection failed', async () => {
    const { url, server } = await serve((_req, res) => res.end());
    await servers.close(server);
    const r = await httpGet(url, { timeoutMs: 2_000 });
    expect(r.ok ? 'ok' : r.error).toMatchObject({ kind: 'network', message: `connect ECONNREFUSED ${url.slice(7)}` });
    const ftp = await httpGet('ftp://127.0.0.1/x', { timeoutMs: 2_000 });
    expect(ftp.ok ? 'ok' : ftp.error.message).toBe('unsupported protocol "ftp:"');
  });
});
