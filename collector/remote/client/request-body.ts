/**
 * The remote-write 1.0 body of one batch, written straight from the queued
 * label bytes (record-codec.ts): a WriteRequest of one TimeSeries per series,
 * its samples in batch order (which is commit order), then snappy. The same
 * bytes encodeWriteRequest (../write-request.ts) writes for these series,
 * without building label strings or objects per sample to get there.
 */
import { keptBuffer } from '../kept-buffer.js';
import { snappyCompress } from '../snappy-block.js';
import { int64Size, putInt64, putVarint, varintSize } from '../varint.js';
import { copyLabelBytes, sameLabelBytes, type QueuedSample, type QueuedSeries } from './record-codec.js';

/** Samples as columns: sample i is (series[i], t[i], v[i]). */
export interface SampleColumns {
  readonly series: readonly QueuedSeries[];
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
}

/**
 * The TimeSeries each sample goes to, in order of first appearance. A series
 * read from two records is two objects with equal bytes: one TimeSeries still.
 * `firsts` holds each group's first series, whose label bytes the TimeSeries gets.
 * Typed arrays, not an object per series or sample (this runs for every sample sent).
 */
function group(series: readonly QueuedSeries[]): { gid: Int32Array; firsts: QueuedSeries[]; counts: number[] } {
  const n = series.length;
  const gid = new Int32Array(n);
  const firsts: QueuedSeries[] = [];
  const counts: number[] = [];
  const nextSameHash: number[] = [];
  const firstByHash = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = series[i] as QueuedSeries;
    const head = firstByHash.get(s.hash);
    let g = head ?? -1;
    while (g >= 0 && !sameLabelBytes(firsts[g] as QueuedSeries, s)) g = nextSameHash[g] as number;
    if (g < 0) {
      g = firsts.length;
      firsts.push(s);
      counts.push(0);
      nextSameHash.push(head ?? -1);
      firstByHash.set(s.hash, g);
    }
    gid[i] = g;
    counts[g] = (counts[g] as number) + 1;
  }
  return { gid, firsts, counts };
}

/** proto3 leaves out zero values: +0 (not -0) and a zero timestamp. */
function sampleBodySize(t: number, v: number): number {
  return (Object.is(v, 0) ? 0 : 9) + (t === 0 ? 0 : 1 + int64Size(t));
}

/** Where encodeRequestBody writes the uncompressed request: it lives only until snappy has read it. */
const scratchFor = keptBuffer(4 * 1024 * 1024);

class Out {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(v: number): void {
    this.pos = putVarint(this.buf, this.pos, v);
  }
  int64(v: number): void {
    this.pos = putInt64(this.buf, this.pos, v);
  }
}

/** The uncompressed WriteRequest protobuf of the samples, grouped by series in order of first appearance. */
export function encodeColumns(c: SampleColumns): Uint8Array {
  return writeColumns(c, (size) => new Uint8Array(size));
}

/** encodeColumns into the buffer `alloc` gives for the exact size; returns the bytes written (a view of it). */
function writeColumns(c: SampleColumns, alloc: (size: number) => Uint8Array): Uint8Array {
  const n = c.series.length;
  const { gid, firsts, counts } = group(c.series);
  const groups = firsts.length;
  // Stable counting sort of sample indexes by group: each group's samples stay in batch (commit) order.
  const start = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) start[g + 1] = (start[g] as number) + (counts[g] as number);
  const fill = start.slice(0, groups);
  const order = new Int32Array(n);
  const bodySizes = new Float64Array(groups);
  for (let g = 0; g < groups; g++) bodySizes[g] = (firsts[g] as QueuedSeries).byteLength;
  for (let i = 0; i < n; i++) {
    const g = gid[i] as number;
    const at = fill[g] as number;
    order[at] = i;
    fill[g] = at + 1;
    const size = sampleBodySize(c.t[i] as number, c.v[i] as number);
    bodySizes[g] = (bodySizes[g] as number) + 1 + varintSize(size) + size;
  }
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const body = bodySizes[g] as number;
    total += 1 + varintSize(body) + body;
  }
  const out = new Out(alloc(total));
  for (let g = 0; g < groups; g++) {
    out.byte(0x0a); // WriteRequest.timeseries, field 1
    out.varint(bodySizes[g] as number);
    out.pos = copyLabelBytes(firsts[g] as QueuedSeries, out.buf, out.pos);
    for (let k = start[g] as number; k < (start[g + 1] as number); k++) {
      const i = order[k] as number;
      const t = c.t[i] as number;
      const v = c.v[i] as number;
      out.byte(0x12); // TimeSeries.samples, field 2
      out.varint(sampleBodySize(t, v));
      if (!Object.is(v, 0)) {
        out.byte(0x09); // Sample.value, field 1, 64-bit
        out.view.setFloat64(out.pos, v, true);
        out.pos += 8;
      }
      if (t !== 0) {
        out.byte(0x10); // Sample.timestamp, field 2, varint
        out.int64(t);
      }
    }
  }
  return out.buf.subarray(0, total);
}

/** encodeColumns for one object per sample (tests, tools). */
export function encodeSamples(samples: Iterable<QueuedSample>): Uint8Array {
  const list = [...samples];
  // Float64Array, not number[]: V8's double arrays quieten NaNs (the staleness marker is one).
  const t = new Float64Array(list.length);
  const v = new Float64Array(list.length);
  list.forEach((s, i) => {
    t[i] = s.t;
    v[i] = s.v;
  });
  return encodeColumns({ series: list.map((s) => s.series), t, v });
}

/** The HTTP body: the WriteRequest, snappy block compressed. */
export function encodeRequestBody(samples: SampleColumns | Iterable<QueuedSample>): Uint8Array<ArrayBuffer> {
  if (!('series' in samples)) return snappyCompress(encodeSamples(samples));
  return snappyCompress(writeColumns(samples, scratchFor));
}
