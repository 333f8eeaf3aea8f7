import express from 'express';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { err, ok } from '../result.js';
import { isStaleNaN, openTsdb, STALE_NAN, StoreError, type Appendable, type Tsdb } from '../tsdb/index.js';
import { createMetadataStore, type MetadataStore } from './metadata-store.js';
import { createRemoteWriteHandler, type RemoteWriteOptions } from './remote-write-handler.js';
import { snappyCompress } from './snappy-block.js';
import { encodeWriteRequest, type WireTimeSeries, type WriteRequest } from './write-request.js';

const series = (labels: Record<string, string>, samples: [number, number][]): WireTimeSeries => ({
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
  samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
  exemplars: [],
  histograms: [],
});

let server: Server | undefined;
let db: Tsdb | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  await db?.close();
  server = undefined;
  db = undefined;
});

/** Every stored series as [labels, [t, v][]], sorted by labels. */
function dump(store: Tsdb): [Record<string, string>, [number, number][]][] {
  return [
    ...store
      .querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      .select([{ type: '=~', name: '__name__', value: '.+' }]),
  ].map((s) => {
    const it = s.samples();
    const pts: [number, number][] = [];
    while (it.next()) pts.push([it.at().t, it.at().v]);
    return [{ ...s.labels }, pts];
  });
}

async function serve(
  opts: Partial<RemoteWriteOptions> = {},
): Promise<{ url: string; store: Tsdb; registry: Registry; metadata: MetadataStore }> {
  const opened = await openTsdb({ limits: { maxSeries: 3 } });
  if (!opened.ok) throw opened.error;
  const store = opened.value;
  db = store;
  const registry = new Registry();
  const metadata = createMetadataStore();
  const app = express();
  app.post('/api/v1/write', createRemoteWriteHandler({ appendable: store, registry, metadata, ...opts }));
  const s = await new Promise<Server>((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  server = s;
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/api/v1/write`, store, registry, metadata };
}

const post = async (url: string, body: Uint8Array, headers: Record<string, string> = {}) => {
  const res = await fetch(url, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...headers,
    },
  });
  return { status: res.status, text: await res.text() };
};
const write = (req: WriteRequest) => snappyCompress(encodeWriteRequest(req));

describe('remote-write receiver', () => {
  it('stores every sample and metadata of a valid request and answers 204', async () => {
    const { url, store, metadata } = await serve();
    const req: WriteRequest = {
      timeseries: [
        series({ __name__: 'up', job: 'node', instance: 'a:9100' }, [
          [1000, 1],
          [2000, 0],
        ]),
        series({ __name__: 'temp', room: 'ü "quoted"' }, [[1500, -3.25e-7]]),
      ],
      metadata: [{ type: 'gauge', metricFamilyName: 'temp', help: 'Temperature.', unit: 'celsius' }],
    };
    expect(await post(url, write(req))).toEqual({ status: 204, text: '' });
    expect(dump(store)).toEqual([
      [{ __name__: 'temp', room: 'ü "quoted"' }, [[1500, -3.25e-7]]],
      [
        { __name__: 'up', instance: 'a:9100', job: 'node' },
        [
          [1000, 1],
          [2000, 0],
        ],
      ],
    ]);
    expect(metadata.snapshot().get('temp')).toEqual([{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }]);
  });

  it('keeps stale markers as stale markers (their NaN bit pattern survives decoding)', async () => {
    const { url, store } = await serve();
    // Built as objects: a NaN written into a number array literal may be canonicalised by V8.
    const samples = [
      { timestamp: 1000, value: 1 },
      { timestamp: 2000, value: STALE_NAN },
    ];
    const req = { timeseries: [{ ...series({ __name__: 'gone' }, []), samples }], metadata: [] };
    expect((await post(url, write(req))).status).toBe(204);
    // Checked straight from the iterator: V8 may canonicalise a NaN stored into a number array.
    const [s] = [...store.querier(0, 5000).select([{ type: '=', name: '__name__', value: 'gone' }])];
    const it = s?.samples();
    const stale: boolean[] = [];
    while (it?.next()) stale.push(isStaleNaN(it.at().v));
    expect(stale).toEqual([false, true]);
  });

  it('rejects bad samples one by one, keeps the good ones, counts reasons and answers 400', async () => {
    const { url, store, registry } = await serve();
    await post(url, write({ timeseries: [series({ __name__: 'a' }, [[5000, 1]])], metadata: [] }));
    const req: WriteRequest = {
      timeseries: [
        series({ __name__: 'a' }, [
          [4000, 2],
          [5000, 3],
          [6000, 4],
        ]), // out of order, duplicate, ok
        series({ __name__: 'b', 'bad-name': 'x' }, [
          [1000, 1],
          [2000, 1],
        ]), // invalid labels
        series({ job: 'x' }, [[1000, 1]]), // no metric name
        series({ __name__: 'c' }, [[1000, 1]]), // ok (2nd series)
        series({ __name__: 'd' }, [[1000, 1]]), // ok (3rd series)
        series({ __name__: 'e' }, [[1000, 1]]), // over the 3-series limit
      ],
      metadata: [],
    };
    const res = await post(url, write(req));
    expect(res.status).toBe(400);
    const lines = res.text.split('\n');
    expect(lines[0]).toBe('6 of 9 samples rejected (the other 3 were stored):');
    // The reason and series are ours; the detail after them is the store's own message.
    expect(lines[1]).toMatch(/^out_of_order: a\{\} @4000: \S/);
    expect(lines[2]).toMatch(/^duplicate: a\{\} @5000: \S/);
    expect(res.text).toContain('invalid_labels: b{bad-name="x"}: invalid label name "bad-name"');
    expect(res.text).toContain('invalid_labels: {job="x"}: series has no metric name (__name__ label)');
    expect(res.text).toContain('… and 1 more');
    expect(dump(store).map(([l, pts]) => [l.__name__, pts.length])).toEqual([
      ['a', 2],
      ['c', 1],
      ['d', 1],
    ]);
    const text = await registry.metrics();
    expect(text).toContain('kubepulse_remote_write_rejected_samples_total{reason="out_of_order"} 1');
    expect(text).toContain('kubepulse_remote_write_rejected_samples_total{reason="duplicate"} 1');
    expect(text).toContain('kubepulse_remote_write_rejected_samples_total{reason="invalid_labels"} 3');
    expect(text).toContain('kubepulse_remote_write_rejected_samples_total{reason="too_many_series"} 1');
  });

  it('answers 400 with the byte offset for a corrupt snappy body or protobuf message', async () => {
    const { url, store } = await serve();
    expect(await post(url, Uint8Array.from([5, 0x10, 0x61]))).toEqual({
      status: 400,
      text: 'snappy: byte 1: literal of 5 bytes runs past the end of the input\n',
    });
    const good = encodeWriteRequest({ timeseries: [series({ __name__: 'a' }, [[1, 1]])], metadata: [] });
    const truncated = good.subarray(0, good.length - 3);
    const res = await post(url, snappyCompress(truncated));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^protobuf: byte \d+: /);
    expect(dump(store)).toEqual([]);
  });

  it('refuses a body over the decompressed limit with 413 and names the limit', async () => {
    const { url } = await serve({ maxDecompressedBytes: 1000 });
    const big = write({ timeseries: [series({ __name__: 'x', pad: 'p'.repeat(2000) }, [[1, 1]])], metadata: [] });
    const res = await post(url, big);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/exceeds the limit of 1000 bytes/);
    // More bytes on the wire than any 1000-byte request compresses to: refused before decompression.
    const noise = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251);
    const wire = await post(url, noise);
    expect(wire).toEqual({
      status: 413,
      text: 'request body exceeds 1199 bytes, more than a 1000-byte request can compress to\n',
    });
  });

  it('answers 500 (so the sender retries) when the store fails or throws', async () => {
    const body = write({ timeseries: [series({ __name__: 'a' }, [[1, 1]])], metadata: [] });
    const failing: Appendable = {
      appender: () => ({
        append: () => ok(undefined),
        commit: () => Promise.resolve(err(new StoreError('disk full'))),
        rollback: () => undefined,
      }),
    };
    const { url } = await serve({ appendable: failing });
    expect(await post(url, body)).toEqual({ status: 500, text: 'storing the samples failed: disk full\n' });
    await new Promise((r) => server?.close(r));
    const closed: Appendable = {
      appender: () => {
        throw new StoreError('store is closed');
      },
    };
    const again = await serve({ appendable: closed });
    expect(await post(again.url, body)).toEqual({ status: 500, text: 'storing the samples failed: store is closed\n' });
  });

  it('refuses other encodings and remote write 2.0 with 415', async () => {
    const { url } = await serve();
    const body = write({ timeseries: [], metadata: [] });
    const gz = await post(url, body, { 'Content-Encoding': 'gzip' });
    expect(gz.status).toBe(415);
    expect(gz.text).toMatch(/unsupported Content-Encoding "gzip"/);
    const v2 = await post(url, body, { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' });
    expect(v2.status).toBe(415);
    expect(v2.text).toMatch(/only remote write 1.0/);
    expect((await post(url, body)).status).toBe(204);
  });
});
