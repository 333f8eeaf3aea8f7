import { describe, expect, it } from 'vitest';
import type { Labels } from '../../tsdb/interface.js';
import { STALE_NAN } from '../../tsdb/index.js';
import { snappyDecompress } from '../snappy-block.js';
import { decodeWriteRequest, encodeWriteRequest, type WireTimeSeries } from '../write-request.js';
import {
  decodeColumns,
  decodeRecord,
  encodeRecord,
  copyLabelBytes,
  RecordBuilder,
  sameLabelBytes,
  SeriesEncoder,
  toQueuedSeries,
  type QueuedSample,
  type QueuedSeries,
  type RecordColumns,
} from './record-codec.js';
import { encodeColumns, encodeRequestBody, encodeSamples } from './request-body.js';

/** Label sets that exercise the encoder: multi-byte UTF-8, values past 127 bytes, empty values, many labels. */
const LABELS: Labels[] = [
  { __name__: 'up', job: 'node', instance: 'a:9100' },
  {
    __name__: 'container_memory_working_set_bytes',
    id: '/kubepods/pod1/c1',
    image: '',
    pod: 'p-ü-日本',
    container: 'c',
  },
  { __name__: 'long', value: 'x'.repeat(200), other: 'é'.repeat(100) },
  { __name__: 'huge', v: 'y'.repeat(20_000) },
  Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`l${String(i).padStart(2, '0')}`, `v${i}`])),
];

/** The label bytes of `s` as one array. */
function labelBytes(s: QueuedSeries): Uint8Array {
  const out = new Uint8Array(s.byteLength);
  copyLabelBytes(s, out, 0);
  return out;
}

/** What the generic encoder writes for the same samples: labels sorted by name, empty values omitted. */
function reference(samples: readonly { labels: Labels; t: number; v: number }[]): Uint8Array {
  const series = new Map<string, WireTimeSeries & { samples: { value: number; timestamp: number }[] }>();
  for (const s of samples) {
    const key = JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let ts = series.get(key);
    if (!ts) {
      const labels = Object.keys(s.labels)
        .sort()
        .map((name) => ({ name, value: s.labels[name] as string }));
      ts = { labels, samples: [], exemplars: [], histograms: [] };
      series.set(key, ts);
    }
    ts.samples.push({ value: s.v, timestamp: s.t });
  }
  return encodeWriteRequest({ timeseries: [...series.values()], metadata: [] });
}

describe('encodeSamples', () => {
  it('writes the bytes encodeWriteRequest writes, for awkward labels, values and timestamps', () => {
    const values = [1.5, 0, -0, STALE_NAN, Number.NaN, -3, 1e300];
    const times = [1_795_790_000_123, 0, -5, 1, 2 ** 52];
    const plain: { labels: Labels; t: number; v: number }[] = [];
    const queued: QueuedSample[] = [];
    LABELS.forEach((labels, i) => {
      const series = toQueuedSeries(labels);
      for (let j = 0; j < 3; j++) {
        const t = times[(i + j) % times.length] as number;
        const v = values[(i * 3 + j) % values.length] as number;
        plain.push({ labels, t, v });
        queued.push({ series, t, v });
      }
    });
    expect(Buffer.from(encodeSamples(queued))).toEqual(Buffer.from(reference(plain)));
  });

  it('writes the same bytes from the columns the appender builds and from the record read back from disk', () => {
    const plain: { labels: Labels; t: number; v: number }[] = [];
    const b = new RecordBuilder();
    // Series as the appender has them (SeriesEncoder: a piece per label), interleaved as a collection appends
    // them, and label sets longer than the builder's first buffer.
    const enc = new SeriesEncoder();
    const index = LABELS.map((labels) => b.addSeries(enc.encode(labels) as QueuedSeries));
    for (let round = 0; round < 3; round++)
      LABELS.forEach((labels, i) => {
        const t = 1_795_790_000_000 + round * 15_000 - i;
        const v = round === 2 && i === 1 ? STALE_NAN : round - i * 0.5;
        plain.push({ labels, t, v });
        b.add(index[i] as number, t, v);
      });
    const asSent = (c: RecordColumns): Buffer =>
      Buffer.from(
        encodeColumns({ series: Array.from(c.index, (k) => c.series[k] as QueuedSample['series']), t: c.t, v: c.v }),
      );
    const want = Buffer.from(reference(plain));
    expect(asSent(b.columns())).toEqual(want);
    expect(asSent(decodeColumns(b.encode()))).toEqual(want);
    expect(b.series.map((s) => [Buffer.from(labelBytes(s)), s.hash])).toEqual(
      LABELS.map((l) => toQueuedSeries(l)).map((s) => [Buffer.from(labelBytes(s)), s.hash]),
    );
  });

  it('hands out bodies of their own: one made later, larger or smaller, leaves an earlier one as it was', () => {
    const enc = new SeriesEncoder();
    const columnsOf = (labels: Labels[], t: number) => {
      const b = new RecordBuilder();
      labels.forEach((l, i) => b.add(b.addSeries(enc.encode(l) as QueuedSeries), t, i));
      return b.columns();
    };
    const plainOf = (labels: Labels[], t: number) => labels.map((l, i) => ({ labels: l, t, v: i }));
    const big = LABELS.slice(0, 4);
    const small = LABELS.slice(0, 1);
    const first = encodeRequestBody(columnsOf(big, 1000));
    const firstBytes = Buffer.from(first);
    const second = encodeRequestBody(columnsOf(small, 2000));
    const third = encodeRequestBody(columnsOf(big, 3000));
    expect(Buffer.from(first)).toEqual(firstBytes);
    const decoded = (body: Uint8Array) => {
      const raw = snappyDecompress(body);
      if (!raw.ok) throw raw.error;
      return Buffer.from(raw.value);
    };
    expect(decoded(first)).toEqual(Buffer.from(reference(plainOf(big, 1000))));
    expect(decoded(second)).toEqual(Buffer.from(reference(plainOf(small, 2000))));
    expect(decoded(third)).toEqual(Buffer.from(reference(plainOf(big, 3000))));
    expect(first.buffer).not.toBe(third.buffer);
    expect(first.byteLength).toBe(first.buffer.byteLength); // exactly its own bytes, not a view of a larger buffer
  });

  it('sends a series read back from two records as one TimeSeries, its samples in order', () => {
    const labels = { __name__: 'up', job: 'x' };
    const first = decodeRecord(encodeRecord([{ series: toQueuedSeries(labels), t: 1000, v: 1 }]));
    const second = decodeRecord(encodeRecord([{ series: toQueuedSeries(labels), t: 2000, v: 0 }]));
    const other = decodeRecord(encodeRecord([{ series: toQueuedSeries({ __name__: 'up', job: 'y' }), t: 1500, v: 2 }]));
    const body = encodeRequestBody([...first, ...other, ...second]);
    const raw = snappyDecompress(body);
    if (!raw.ok) throw raw.error;
    const req = decodeWriteRequest(raw.value);
    if (!req.ok) throw req.error;
    expect(req.value.timeseries.map((ts) => [ts.labels.map((l) => l.value).join(','), ts.samples])).toEqual([
      [
        'up,x',
        [
          { value: 1, timestamp: 1000 },
          { value: 0, timestamp: 2000 },
        ],
      ],
      ['up,y', [{ value: 2, timestamp: 1500 }]],
    ]);
  });
});

/** A series' label bytes as a Buffer, for comparisons. */
const bytesOf = (s: QueuedSeries | undefined): Buffer => Buffer.from(s ? labelBytes(s) : []);

describe('SeriesEncoder', () => {
  it('encodes a label object once, to the bytes toQueuedSeries writes, and asks about validity once', () => {
    const enc = new SeriesEncoder();
    let asked = 0;
    const valid = (l: Labels): boolean => {
      asked++;
      return !('bad-name' in l);
    };
    const series = LABELS.map((l) => enc.encode(l, valid));
    LABELS.forEach((l, i) => {
      expect(enc.encode(l, valid)).toBe(series[i]);
      expect(bytesOf(series[i])).toEqual(bytesOf(toQueuedSeries(l)));
      expect(series[i]?.byteLength).toBe(toQueuedSeries(l).byteLength);
      expect(series[i]?.hash).toBe(toQueuedSeries(l).hash);
    });
    expect(asked).toBe(LABELS.length);
    // An equal label set in a new object is encoded again, to the same bytes.
    const copy = { ...(LABELS[0] as Labels) };
    expect(enc.encode(copy)).not.toBe(series[0]);
    expect(bytesOf(enc.encode(copy))).toEqual(bytesOf(series[0]));
    expect(enc.encode({ 'bad-name': 'x' }, valid)).toBeUndefined();
  });

  it("holds a label's bytes once for every series that has it, and compares series by their bytes", () => {
    const enc = new SeriesEncoder();
    const container = { id: '/kubepods/burstable/pod1/' + 'a'.repeat(64), pod: 'web-1', namespace: 'shop' };
    const cpu = enc.encode({ __name__: 'container_cpu_usage_seconds_total', ...container, cpu: 'total' });
    const mem = enc.encode({ __name__: 'container_memory_rss', ...container });
    const idPiece = (s: QueuedSeries | undefined) => s?.parts.find((p) => Buffer.from(p).includes('/kubepods/'));
    expect(idPiece(cpu)).toBeDefined();
    expect(idPiece(cpu)).toBe(idPiece(mem));
    // A record holds each piece once, and its series read back share them again.
    const record = encodeRecord([
      { series: cpu as QueuedSeries, t: 1, v: 1 },
      { series: mem as QueuedSeries, t: 1, v: 2 },
    ]);
    const labelBytesInFull = (cpu?.byteLength ?? 0) + (mem?.byteLength ?? 0);
    expect(record.length).toBeLessThan(labelBytesInFull);
    const [cpuBack, memBack] = decodeRecord(record).map((x) => x.series);
    expect(idPiece(cpuBack)).toBe(idPiece(memBack));
    expect(cpuBack?.hash).toBe(cpu?.hash);
    const fromRecord = memBack;
    expect(bytesOf(fromRecord)).toEqual(bytesOf(mem));
    expect(sameLabelBytes(mem as QueuedSeries, fromRecord as QueuedSeries)).toBe(true);
    // One piece against several: the same bytes all the same.
    const memLabels = { __name__: 'container_memory_rss', ...container };
    expect(toQueuedSeries(memLabels).parts).toHaveLength(1);
    expect(sameLabelBytes(toQueuedSeries(memLabels), fromRecord as QueuedSeries)).toBe(true);
    expect(sameLabelBytes(cpu as QueuedSeries, fromRecord as QueuedSeries)).toBe(false);
    const other = enc.encode({ __name__: 'container_memory_rss', ...container, pod: 'web-2' });
    expect(other?.byteLength).toBe(mem?.byteLength);
    expect(sameLabelBytes(other as QueuedSeries, fromRecord as QueuedSeries)).toBe(false);
  });

  it('forgets the labels of series long gone, and the series it made keep their bytes', () => {
    const enc = new SeriesEncoder();
    const first = enc.encode({ __name__: 'x', pod: 'gone' });
    // 10,000 new labels: more than two generations of the piece table.
    for (let i = 0; i < 10_000; i++) enc.encode({ __name__: 'x', pod: `p${i}` });
    const again = enc.encode({ __name__: 'x', pod: 'gone' });
    expect(bytesOf(again)).toEqual(bytesOf(first));
    expect(again?.parts[1]).not.toBe(first?.parts[1]); // encoded anew: the table had let it go
    expect(again?.parts[0]).toBe(enc.encode({ __name__: 'x', pod: 'p9999' })?.parts[0]); // still shared
  });

  it('gives labels longer than a quarter of a slab a buffer of their own', () => {
    const enc = new SeriesEncoder();
    const long = { __name__: 'x', value: 'v'.repeat(5000) };
    const s = enc.encode(long);
    expect(bytesOf(s)).toEqual(bytesOf(toQueuedSeries(long)));
    const piece = s?.parts[1];
    expect(piece?.byteOffset).toBe(0);
    expect(piece?.buffer.byteLength).toBe(piece?.byteLength);
  });
});

describe('queue records', () => {
  it('keep label bytes, NaN bits and order through encode and decode', () => {
    const a = toQueuedSeries(LABELS[1] as Labels);
    const b = toQueuedSeries(LABELS[3] as Labels);
    const back = decodeRecord(
      encodeRecord([
        { series: a, t: 1, v: STALE_NAN },
        { series: b, t: 2, v: 7 },
        { series: a, t: 3, v: 8 },
      ]),
    );
    expect(back.map((s) => [Buffer.from(labelBytes(s.series)), s.series.hash, s.t])).toEqual([
      [Buffer.from(labelBytes(a)), a.hash, 1],
      [Buffer.from(labelBytes(b)), b.hash, 2],
      [Buffer.from(labelBytes(a)), a.hash, 3],
    ]);
    expect(back[0]?.series).toBe(back[2]?.series); // one series entry per record
    expect(new Float64Array([back[0]?.v ?? 0]).buffer).toEqual(new Float64Array([STALE_NAN]).buffer);
  });

  it('still read records of the earlier wire layout (each series with its label bytes in full)', () => {
    const a = toQueuedSeries(LABELS[1] as Labels);
    const b = toQueuedSeries(LABELS[2] as Labels);
    const wires = [labelBytes(a), labelBytes(b)];
    const buf = new Uint8Array(8 + wires.reduce((n, w) => n + 4 + w.length, 0) + 3 * 20);
    const view = new DataView(buf.buffer);
    view.setUint32(0, 3, true);
    view.setUint32(4, (2 | 0x80000000) >>> 0, true);
    let at = 8;
    for (const w of wires) {
      view.setUint32(at, w.length, true);
      buf.set(w, at + 4);
      at += 4 + w.length;
    }
    for (const [k, t, v] of [
      [0, 1000, 1],
      [1, 1000, STALE_NAN],
      [0, 2000, 3],
    ] as const) {
      view.setUint32(at, k, true);
      view.setFloat64(at + 4, t, true);
      view.setFloat64(at + 12, v, true);
      at += 20;
    }
    const back = decodeRecord(buf);
    expect(back.map((x) => [bytesOf(x.series), x.series.hash, x.t])).toEqual([
      [bytesOf(a), a.hash, 1000],
      [bytesOf(b), b.hash, 1000],
      [bytesOf(a), a.hash, 2000],
    ]);
    expect(Number.isNaN(back[1]?.v)).toBe(true);
  });

  it('still read records of the JSON format, with the shard hash they were written with', () => {
    // The earlier layout: u32 sampleCount, u32 seriesCount, u32 length + JSON of sorted pairs, u32 index, f64 t, f64 v.
    const key = JSON.stringify([
      ['__name__', 'up'],
      ['job', 'ü'],
    ]);
    const keyBytes = new TextEncoder().encode(key);
    const buf = new Uint8Array(8 + 4 + keyBytes.length + 20);
    const view = new DataView(buf.buffer);
    view.setUint32(0, 1, true);
    view.setUint32(4, 1, true);
    view.setUint32(8, keyBytes.length, true);
    buf.set(keyBytes, 12);
    const at = 12 + keyBytes.length;
    view.setUint32(at, 0, true);
    view.setFloat64(at + 4, 5000, true);
    view.setFloat64(at + 12, 2.5, true);
    const [s] = decodeRecord(buf);
    expect(bytesOf(s?.series)).toEqual(bytesOf(toQueuedSeries({ __name__: 'up', job: 'ü' })));
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    expect(s?.series.hash).toBe(h >>> 0);
    expect([s?.t, s?.v]).toEqual([5000, 2.5]);
  });
});
