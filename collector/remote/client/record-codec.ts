/**
 * One committed appender as one queue record: the label sets once each, then
 * (series index, t, v) per sample in append order. Values go through a
 * DataView so NaN payloads (the staleness marker) survive bit for bit.
 *
 * A label set is kept as the bytes remote write sends for it (the `labels`
 * fields of a protobuf TimeSeries, sorted by name), from append to the HTTP
 * body: encoded once per label object (SeriesEncoder; a pipeline hands the
 * same object for a series every collection), copied into each record that
 * goes to disk, and into the request. No label strings or objects are made
 * between append and send, which was most of the collector's CPU and heap
 * (15,000 series per collection on a 110-pod node).
 *
 * Layout, little endian: u32 sampleCount, u32 seriesCount | WIRE_FORMAT, per
 * series u32 byteLength + the label bytes, then per sample u32 seriesIndex,
 * f64 t, f64 v. Records written before WIRE_FORMAT (no flag) hold UTF-8 JSON
 * of [[name, value], …] per series instead; they are still read.
 */
import type { Labels } from '../../tsdb/interface.js';
import { putVarint, varintSize } from '../varint.js';
import { withHeadroom } from './segment-frame.js';

/** A label set as remote write's TimeSeries `labels` bytes; `hash` picks its shard (stable across restarts). */
export interface QueuedSeries {
  readonly wire: Uint8Array;
  readonly hash: number;
}

export interface QueuedSample {
  readonly series: QueuedSeries;
  readonly t: number;
  readonly v: number;
}

/** Set in the series count of records whose label sets are wire bytes. */
const WIRE_FORMAT = 0x80000000;

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

/** FNV-1a over the bytes. */
function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units: the hash records of the JSON format were sharded by. */
function fnvString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `labels` as TimeSeries label fields: per label, sorted by name, field 1
 * (Label) holding field 1 (name) and field 2 (value); empty strings are left
 * out as proto3 does.
 */
export function toQueuedSeries(labels: Labels): QueuedSeries {
  const n = encodeLabels(labels); // first: it may replace `scratch` with a larger one
  const wire = scratch.slice(0, n);
  return { wire, hash: fnv(wire) };
}

/**
 * Label bytes up to a quarter of this share slabs; larger ones get a buffer of their own.
 * Small, because a slab lives as long as any series in it: as pods come and go, a slab kept
 * by one long-lived series wastes at most this much.
 */
const SLAB_BYTES = 4 * 1024;

/**
 * Encodes each label object once for as long as it lives: a pipeline hands the
 * same object for the same series every collection (see SeriesLabels), so a
 * steady node's 15,000 series are encoded once, not once per collection. The
 * bytes live in 4 KiB slabs (one buffer per ~20 series, not one per series).
 */
export class SeriesEncoder {
  private readonly cache = new WeakMap<Labels, QueuedSeries>();
  private slab = new Uint8Array(SLAB_BYTES);
  private used = 0;

  /** `valid` is asked once per new label object; undefined when it says no. */
  encode(labels: Labels, valid?: (labels: Labels) => boolean): QueuedSeries | undefined {
    let s = this.cache.get(labels);
    if (!s) {
      if (valid && !valid(labels)) return undefined;
      const n = encodeLabels(labels);
      const wire = this.take(n);
      wire.set(scratch.subarray(0, n));
      s = { wire, hash: fnv(wire) };
      this.cache.set(labels, s);
    }
    return s;
  }

  private take(n: number): Uint8Array {
    if (n > SLAB_BYTES / 4) return new Uint8Array(n);
    if (this.used + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const view = this.slab.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}

/** Writes the label bytes of `labels` at the start of `scratch`; returns their length. */
function encodeLabels(labels: Labels): number {
  const names = Object.keys(labels).sort();
  // UTF-8 takes at most 3 bytes per UTF-16 unit; 16 bytes of tags and lengths per label is ample.
  let bound = 0;
  for (const n of names) bound += 3 * (n.length + (labels[n] as string).length) + 16;
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  let pos = 0;
  for (const name of names) {
    const value = labels[name] as string;
    // The Label body goes after a 1-byte length guess; moved if the length needs more bytes.
    const start = pos;
    pos += 2;
    const bodyAt = pos;
    pos = putString(1, name, pos);
    pos = putString(2, value, pos);
    const len = pos - bodyAt;
    const lenBytes = varintSize(len);
    if (lenBytes > 1) {
      scratch.copyWithin(bodyAt + lenBytes - 1, bodyAt, pos);
      pos += lenBytes - 1;
    }
    scratch[start] = 0x0a; // field 1, length-delimited
    putVarint(scratch, start + 1, len);
  }
  return pos;
}

function putString(field: number, s: string, pos: number): number {
  if (s === '') return pos;
  scratch[pos] = (field << 3) | 2;
  const n = s.length;
  if (n < 0x80) {
    // ASCII, nearly every label: one byte per unit, a 1-byte length, and no encoder call (nor its result object).
    const start = pos + 2;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[start + i] = c;
    }
    if (i === n) {
      scratch[pos + 1] = n;
      return start + n;
    }
  }
  // Encode first, then place the length: write at a 2-byte length guess and move if needed.
  const at = pos + 1 + (s.length < 43 ? 1 : varintSize(3 * s.length));
  const { written } = encoder.encodeInto(s, scratch.subarray(at));
  const lenBytes = varintSize(written);
  const want = pos + 1 + lenBytes;
  if (want !== at) scratch.copyWithin(want, at, at + written);
  putVarint(scratch, pos + 1, written);
  return want + written;
}

/**
 * A record as columns (series index, t, v per sample): what the dispatcher
 * deals to the shards, with no object per sample. The appender builds one
 * directly and hands it to the queue beside the encoded bytes, so while the
 * endpoint keeps up the record is never decoded back from disk.
 */
export interface RecordColumns {
  readonly series: readonly QueuedSeries[];
  readonly count: number;
  readonly index: Uint32Array;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

/** Grows one record sample by sample: label sets once each, then three numbers per sample. */
export class RecordBuilder {
  readonly series: QueuedSeries[] = [];
  /** Each series' index in `series`: a collection appends the same series object once per sample. */
  private readonly indexOf = new Map<QueuedSeries, number>();
  /** Bytes of the series section (u32 length + label bytes per series), written by encode(). */
  private seriesBytes = 0;
  private n = 0;
  private index: Uint32Array;
  private ts: Float64Array;
  private vs: Float64Array;

  /** `expectSamples`: the likely count (an appender's previous record), so the columns need not grow by doubling. */
  constructor(expectSamples = 0) {
    const samples = Math.max(64, expectSamples);
    this.index = new Uint32Array(samples);
    this.ts = new Float64Array(samples);
    this.vs = new Float64Array(samples);
  }

  get count(): number {
    return this.n;
  }

  /**
   * The index of `s` in this record, registering it the first time (kept as this object in
   * columns()); pass it to add().
   */
  addSeries(s: QueuedSeries): number {
    let i = this.indexOf.get(s);
    if (i === undefined) {
      i = this.series.push(s) - 1;
      this.indexOf.set(s, i);
      this.seriesBytes += 4 + s.wire.length;
    }
    return i;
  }

  add(seriesIndex: number, t: number, v: number): void {
    if (this.n === this.ts.length) this.grow();
    this.index[this.n] = seriesIndex;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }

  private grow(): void {
    const size = this.n * 2;
    const index = new Uint32Array(size);
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    index.set(this.index);
    ts.set(this.ts);
    vs.set(this.vs);
    this.index = index;
    this.ts = ts;
    this.vs = vs;
  }

  columns(): RecordColumns {
    const n = this.n;
    return {
      series: this.series,
      count: n,
      index: this.index.subarray(0, n),
      t: this.ts.subarray(0, n),
      v: this.vs.subarray(0, n),
    };
  }

  /**
   * The record's bytes (layout at the top of this file), with room for the
   * queue's frame header before them (segment-frame.ts), so framing copies nothing.
   */
  encode(): Uint8Array {
    const n = this.n;
    const buf = withHeadroom(8 + this.seriesBytes + n * 20);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    view.setUint32(0, n, true);
    view.setUint32(4, (this.series.length | WIRE_FORMAT) >>> 0, true);
    let pos = 8;
    for (const s of this.series) {
      view.setUint32(pos, s.wire.length, true);
      buf.set(s.wire, pos + 4);
      pos += 4 + s.wire.length;
    }
    for (let i = 0; i < n; i++) {
      view.setUint32(pos, this.index[i] as number, true);
      view.setFloat64(pos + 4, this.ts[i] as number, true);
      view.setFloat64(pos + 12, this.vs[i] as number, true);
      pos += 20;
    }
    return buf;
  }
}

export function encodeRecord(samples: readonly QueuedSample[]): Uint8Array {
  const b = new RecordBuilder();
  for (const s of samples) b.add(b.addSeries(s.series), s.t, s.v);
  return b.encode();
}

/** The sample count, readable without decoding the rest (for queue accounting). */
export function recordSampleCount(payload: Uint8Array): number {
  return payload.length >= 4 ? new DataView(payload.buffer, payload.byteOffset).getUint32(0, true) : 0;
}

/**
 * Decodes a record whose CRC matched; throws only if our own encoder is broken.
 * The label bytes of the result are views of `payload`.
 */
export function decodeColumns(payload: Uint8Array): RecordColumns {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const count = view.getUint32(0, true);
  const rawSeries = view.getUint32(4, true);
  const wireFormat = (rawSeries & WIRE_FORMAT) !== 0;
  const seriesCount = rawSeries & ~WIRE_FORMAT;
  const dec = wireFormat ? undefined : new TextDecoder();
  const series: QueuedSeries[] = [];
  let pos = 8;
  for (let i = 0; i < seriesCount; i++) {
    const len = view.getUint32(pos, true);
    const bytes = payload.subarray(pos + 4, pos + 4 + len);
    if (dec) {
      const key = dec.decode(bytes);
      const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
      series.push({ wire: toQueuedSeries(labels).wire, hash: fnvString(key) });
    } else series.push({ wire: bytes, hash: fnv(bytes) });
    pos += 4 + len;
  }
  const index = new Uint32Array(count);
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const k = view.getUint32(pos, true);
    if (k >= seriesCount) throw new Error(`queue record: series index out of range at byte ${pos}`);
    index[i] = k;
    t[i] = view.getFloat64(pos + 4, true);
    v[i] = view.getFloat64(pos + 12, true);
    pos += 20;
  }
  return { series, count, index, t, v };
}

/** decodeColumns as one object per sample (tests, tools). */
export function decodeRecord(payload: Uint8Array): QueuedSample[] {
  const c = decodeColumns(payload);
  return Array.from({ length: c.count }, (_, i) => ({
    series: c.series[c.index[i] as number] as QueuedSeries,
    t: c.t[i] as number,
    v: c.v[i] as number,
  }));
}
