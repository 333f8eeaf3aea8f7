import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, storedSamples, waitFor, type TestHub } from '../../../test/support/remote-write-hub.js';
import { createRemoteWriteHandler } from '../index.js';
import { isStaleNaN, openTsdb, STALE_NAN } from '../../tsdb/index.js';
import {
  createRemoteWriteClient,
  validateRemoteWriteOptions,
  type RemoteWriteClient,
  type RemoteWriteClientOptions,
} from './index.js';

const TLS_DIR = fileURLToPath(new URL('../../../test/fixtures/remote-write/tls/', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kp-rw-client-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
async function hub(): Promise<TestHub> {
  const h = await startTestHub();
  cleanups.push(() => h.stop());
  return h;
}
async function client(url: string, extra: Partial<RemoteWriteClientOptions> = {}): Promise<RemoteWriteClient> {
  const c = createRemoteWriteClient({
    url,
    queueDir: await tempDir(),
    batchSendDeadlineMs: 20,
    maxSamplesPerSend: 100,
    minBackoffMs: 10,
    maxBackoffMs: 200,
    ...extra,
  });
  cleanups.push(() => c.close(1000));
  return c;
}
async function commit(
  c: RemoteWriteClient,
  samples: readonly [Record<string, string>, number, number][],
): Promise<void> {
  const app = c.appender();
  for (const [labels, t, v] of samples) expect(app.append(labels, t, v)).toEqual({ ok: true, value: undefined });
  expect(await app.commit()).toEqual({ ok: true, value: undefined });
}
const key = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

describe('remote-write client against the real receiver', () => {
  it('delivers every committed sample, in order per series, through four shards', async () => {
    const h = await hub();
    const c = await client(h.url, { shards: 4 });
    const series = Array.from({ length: 20 }, (_, i) => ({ __name__: 'rw_test', pod: `p${i}` }));
    for (let step = 0; step < 50; step++)
      await commit(
        c,
        series.map((s, i) => [s, 1000 + step * 10, step * 100 + i]),
      );
    await commit(c, [[series[0] as Record<string, string>, 2000, STALE_NAN]]);
    await waitFor(() => c.stats().pendingSamples === 0, 'the queue to drain');

    const stored = storedSamples(h.db, 'rw_test');
    expect(stored.size).toBe(20);
    series.forEach((s, i) => {
      const got = stored.get(key(s)) ?? [];
      const want = Array.from({ length: 50 }, (_, step) => ({ t: 1000 + step * 10, v: step * 100 + i }));
      expect(got.slice(0, 50)).toEqual(want);
    });
    const last = stored.get(key(series[0] as Record<string, string>))?.at(-1);
    expect(last?.t).toBe(2000);
    expect(isStaleNaN(last?.v ?? 0)).toBe(true);
    expect(c.stats()).toMatchObject({
      sentSamples: 1001,
      failedSamples: 0,
      droppedSamples: 0,
      highestSentTimestampMs: 2000,
    });
  });

  it('drops a batch the receiver refuses with 400, counts it, and keeps sending the next ones', async () => {
    const h = await hub();
    const registry = new Registry();
    const c = await client(h.url, { registry });
    const s = { __name__: 'rw_refused', job: 'x' };
    await commit(c, [[s, 5000, 1]]);
    await waitFor(() => c.stats().pendingSamples === 0, 'the first sample');
    await commit(c, [[s, 4000, 2]]); // older than what is stored: the receiver answers 400 out_of_order
    await waitFor(() => c.stats().failedSamples === 1, 'the refused batch to be counted');
    await commit(c, [[s, 6000, 3]]);
    await waitFor(() => c.stats().pendingSamples === 0, 'the last sample');
    expect(storedSamples(h.db, 'rw_refused').get(key(s))).toEqual([
      { t: 5000, v: 1 },
      { t: 6000, v: 3 },
    ]);
    expect(c.stats()).toMatchObject({ sentSamples: 2, failedSamples: 1, retriedSamples: 0 });
    const text = await registry.metrics();
    expect(text).toContain(`kubepulse_remote_write_failed_samples_total{url="${h.url}",reason="http_400"} 1`);
    expect(text).toContain(`kubepulse_remote_write_samples_total{url="${h.url}"} 2`);
    expect(text).toContain(`kubepulse_remote_write_highest_sent_timestamp_seconds{url="${h.url}"} 6`);
  });

  it('retries 5xx and 429, honouring Retry-After, and counts the retried samples', async () => {
    const h = await hub();
    const answers = [503, 500, 429];
    const arrivals: number[] = [];
    h.intercept = (req, res) => {
      arrivals.push(Date.now());
      const status = answers.shift();
      if (status === undefined) return false;
      req.resume();
      res.writeHead(status, status === 429 ? { 'Retry-After': '1' } : {}).end('not now');
      return true;
    };
    const c = await client(h.url);
    const s = { __name__: 'rw_retry' };
    await commit(c, [
      [s, 1, 1],
      [s, 2, 2],
    ]);
    await waitFor(() => c.stats().pendingSamples === 0, 'delivery after the retries');
    expect(storedSamples(h.db, 'rw_retry').get(key(s))).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
    ]);
    expect(arrivals).toHaveLength(4);
    // The request after the 429 waited for Retry-After (1 s), far beyond the 200 ms backoff cap.
    expect((arrivals[3] as number) - (arrivals[2] as number)).toBeGreaterThanOrEqual(950);
    expect(c.stats()).toMatchObject({ sentSamples: 2, retriedSamples: 6, failedSamples: 0 });
  });

  it('sends basic auth, custom headers, and a bearer token file re-read when it changes', async () => {
    const h = await hub();
    const seen: Record<string, unknown>[] = [];
    h.intercept = (req) => {
      seen.push({
        auth: req.headers.authorization,
        tenant: req.headers['x-scope-orgid'],
        version: req.headers['x-prometheus-remote-write-version'],
      });
      return false;
    };
    const basic = await client(h.url, {
      basicAuth: { username: 'kp', password: 's3cret' },
      headers: { 'X-Scope-OrgID': 'team-a' },
    });
    await commit(basic, [[{ __name__: 'rw_auth' }, 1, 1]]);
    await waitFor(() => basic.stats().pendingSamples === 0, 'the basic-auth request');
    expect(seen[0]).toEqual({
      auth: 'Basic ' + Buffer.from('kp:s3cret').toString('base64'),
      tenant: 'team-a',
      version: '0.1.0',
    });

    const tokenFile = path.join(await tempDir(), 'token');
    await writeFile(tokenFile, 'first\n');
    const bearer = await client(h.url, { bearerTokenFile: tokenFile });
    await commit(bearer, [[{ __name__: 'rw_auth' }, 2, 2]]);
    await waitFor(() => bearer.stats().pendingSamples === 0, 'the first bearer request');
    await writeFile(tokenFile, 'second-token\n');
    await commit(bearer, [[{ __name__: 'rw_auth' }, 3, 3]]);
    await waitFor(() => bearer.stats().pendingSamples === 0, 'the second bearer request');
    expect(seen.slice(1).map((s) => s.auth)).toEqual(['Bearer first', 'Bearer second-token']);
  });

  it('speaks TLS with a CA file and a client certificate, and refuses an unknown server certificate', async () => {
    const opened = await openTsdb({});
    if (!opened.ok) throw opened.error;
    const db = opened.value;
    const receive = createRemoteWriteHandler({ appendable: db });
    const tls = async (f: string): Promise<Buffer> => readFile(path.join(TLS_DIR, f));
    const server = createHttpsServer(
      {
        key: await tls('server.key'),
        cert: await tls('server.crt'),
        ca: await tls('ca.crt'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => void receive(req, res),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.close();
    });
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`;
    const cert = { certFile: path.join(TLS_DIR, 'client.crt'), keyFile: path.join(TLS_DIR, 'client.key') };

    const good = await client(url, { tls: { caFile: path.join(TLS_DIR, 'ca.crt'), ...cert } });
    await commit(good, [[{ __name__: 'rw_tls' }, 1, 1]]);
    await waitFor(() => good.stats().pendingSamples === 0, 'the TLS request');
    const skip = await client(url, { tls: { insecureSkipVerify: true, ...cert } });
    await commit(skip, [[{ __name__: 'rw_tls' }, 2, 2]]);
    await waitFor(() => skip.stats().pendingSamples === 0, 'the unverified TLS request');
    expect(storedSamples(db, 'rw_tls').get(key({ __name__: 'rw_tls' }))).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
    ]);

    const untrusting = await client(url, { tls: cert });
    await commit(untrusting, [[{ __name__: 'rw_tls' }, 3, 3]]);
    await waitFor(() => untrusting.stats().retriedSamples > 0, 'a refused handshake to be retried');
    expect(untrusting.stats()).toMatchObject({ sentSamples: 0, pendingSamples: 1 });
  });

  it('close() sends a partial batch at once instead of waiting for the batch deadline', async () => {
    const h = await hub();
    const c = createRemoteWriteClient({ url: h.url, queueDir: await tempDir(), batchSendDeadlineMs: 60_000 });
    await commit(c, [[{ __name__: 'rw_close' }, 1, 1]]);
    expect(await c.close(5000)).toEqual({ flushed: true, pendingSamples: 0 });
    expect(storedSamples(h.db, 'rw_close').size).toBe(1);
    const app = c.appender();
    app.append({ __name__: 'rw_close' }, 2, 2);
    const after = await app.commit();
    expect(after.ok ? 'ok' : after.error.message).toBe(`remote write ${h.url}: client is closed`);
  });

  it('rejects bad samples one at a time and forgets rolled-back ones', async () => {
    const h = await hub();
    const c = await client(h.url);
    const app = c.appender();
    const bad = app.append({ 'bad-name': 'x' }, 1, 1);
    expect(bad.ok ? '' : `${bad.error.kind}: ${bad.error.message}`).toBe(
      'invalid_labels: invalid label name "bad-name"',
    );
    expect(app.append({}, 1, 1).ok).toBe(false);
    expect(app.append({ __name__: 'rw_roll' }, Number.NaN, 1).ok).toBe(false);
    app.append({ __name__: 'rw_roll' }, 1, 1);
    app.rollback();
    await commit(c, [[{ __name__: 'rw_roll' }, 2, 2]]);
    await waitFor(() => c.stats().pendingSamples === 0, 'delivery');
    expect(storedSamples(h.db, 'rw_roll').get(key({ __name__: 'rw_roll' }))).toEqual([{ t: 2, v: 2 }]);
  });

  it('drops the oldest queued samples past maxQueueBytes, counts them, and sends the rest', async () => {
    const h = await hub();
    let down = true;
    h.intercept = (req, res) => {
      if (!down) return false;
      req.resume();
      res.writeHead(503).end();
      return true;
    };
    const registry = new Registry();
    const c = await client(h.url, {
      maxQueueBytes: 3000,
      segmentMaxBytes: 600,
      shards: 1,
      shardCapacity: 10,
      registry,
    });
    const s = { __name__: 'rw_capped' };
    for (let i = 0; i < 60; i++) {
      await commit(
        c,
        Array.from({ length: 10 }, (_, j): [Record<string, string>, number, number] => [s, i * 10 + j, i * 10 + j]),
      );
    }
    expect(c.stats().queueBytes).toBeLessThanOrEqual(3000);
    const dropped = c.stats().droppedSamples;
    expect(dropped).toBeGreaterThan(0);
    down = false;
    await waitFor(() => c.stats().pendingSamples === 0, 'the rest to be sent');
    const got = storedSamples(h.db, 'rw_capped').get(key(s)) ?? [];
    expect(got.length + dropped).toBe(600);
    // What survives is in order and ends with the newest sample.
    expect(got.at(-1)).toEqual({ t: 599, v: 599 });
    expect(got.every((x, i) => i === 0 || x.t > (got[i - 1] as { t: number }).t)).toBe(true);
    expect(await registry.metrics()).toContain(
      `kubepulse_remote_write_dropped_samples_total{url="${h.url}",reason="queue_full"} ${dropped}`,
    );
  });

  it('refuses a registry where another component owns one of its metric names', async () => {
    const registry = new Registry();
    createRemoteWriteHandler({ appendable: { appender: () => ({}) as never }, registry });
    const dir = await tempDir();
    expect(() => createRemoteWriteClient({ url: 'http://hub:9470/api/v1/write', queueDir: dir, registry })).toThrow(
      'remote write http://hub:9470/api/v1/write: registry: metric kubepulse_remote_write_samples_total is already registered by another component; give the remote-write client its own registry',
    );
  });

  it('reports invalid options with every problem named', () => {
    const r = validateRemoteWriteOptions({
      url: 'ftp://hub/write',
      queueDir: '',
      shards: 0,
      bearerToken: 't',
      basicAuth: { username: 'u', password: 'p' },
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(r.ok ? '' : r.error.message).toBe(
      'remote write ftp://hub/write: url: expected http: or https:, got "ftp:"; queueDir: required; ' +
        'shards: expected a positive integer, got 0; basicAuth and bearerToken: set at most one kind of authorization; ' +
        'headers.Content-Encoding: reserved by the remote-write protocol',
    );
  });
});
