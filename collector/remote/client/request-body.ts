/**
 * The remote-write 1.0 body of one batch, written straight from the queued
 * label bytes (record-codec.ts): a WriteRequest of one TimeSeries per series,
 * its samples in batch order (which is commit order), then snappy. The same
 * bytes encodeWriteRequest (../write-request.ts) writes for these series,
 * without building label strings or objects per sample to get there.
 */
import { snappyCompress } from '../snappy-block.js';
import type { QueuedSample, QueuedSeries } from './record-codec.js';

const TWO_32 = 4294967296;

interface Group {
  readonly wire: Uint8Array;
  readonly samples: QueuedSample[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Samples by series. A series read from two records is two objects with equal bytes: one TimeSeries still. */
function group(samples: Iterable<QueuedSample>): Group[] {
  const byHash = new Map<number, Group[]>();
  const byObject = new Map<QueuedSeries, Group>();
  const groups: Group[] = [];
  for (const s of samples) {
    let g = byObject.get(s.series);
    if (!g) {
      const same = byHash.get(s.series.hash);
      g = same?.find((x) => sameBytes(x.wire, s.series.wire));
      if (!g) {
        g = { wire: s.series.wire, samples: [] };
        groups.push(g);
        if (same) same.push(g);
        else byHash.set(s.series.hash, [g]);
      }
      byObject.set(s.series, g);
    }
    g.samples.push(s);
  }
  return groups;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** An int64 varint's size: two's complement, so a negative value takes ten bytes. */
const int64Size = (v: number): number => (v < 0 ? 10 : varintSize(v));

/** proto3 leaves out zero values: +0 (not -0) and a zero timestamp. */
function sampleBodySize(s: QueuedSample): number {
  return (Object.is(s.v, 0) ? 0 : 9) + (s.t === 0 ? 0 : 1 + int64Size(s.t));
}

class Out {
  pos = 0;
  readonly buf: Uint8Array;
  readonly view: DataView;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  int64(v: number): void {
    if (v >= 0) return this.varint(v);
    // -v as 32-bit halves, negated as a 64-bit two's complement pair, written as ten 7-bit groups.
    const a = -v;
    let lo = ~((a % TWO_32) >>> 0) >>> 0;
    let hi = ~(Math.floor(a / TWO_32) >>> 0) >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo & 0x01;
  }
}

/** The uncompressed WriteRequest protobuf of `samples`. */
export function encodeSamples(samples: Iterable<QueuedSample>): Uint8Array {
  const groups = group(samples);
  const bodySizes = new Array<number>(groups.length);
  let total = 0;
  groups.forEach((g, i) => {
    let body = g.wire.length;
    for (const s of g.samples) {
      const n = sampleBodySize(s);
      body += 1 + varintSize(n) + n;
    }
    bodySizes[i] = body;
    total += 1 + varintSize(body) + body;
  });
  const out = new Out(total);
  groups.forEach((g, i) => {
    out.byte(0x0a); // WriteRequest.timeseries, field 1
    out.varint(bodySizes[i] as number);
    out.buf.set(g.wire, out.pos);
    out.pos += g.wire.length;
    for (const s of g.samples) {
      out.byte(0x12); // TimeSeries.samples, field 2
      out.varint(sampleBodySize(s));
      if (!Object.is(s.v, 0)) {
        out.byte(0x09); // Sample.value, field 1, 64-bit
        out.view.setFloat64(out.pos, s.v, true);
        out.pos += 8;
      }
      if (s.t !== 0) {
        out.byte(0x10); // Sample.timestamp, field 2, varint
        out.int64(s.t);
      }
    }
  });
  return out.buf;
}

/** The HTTP body: encodeSamples, snappy block compressed. */
export function encodeRequestBody(samples: Iterable<QueuedSample>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(snappyCompress(encodeSamples(samples)));
}
