/**
 * One committed appender as one queue record: the label sets once each, then
 * (series index, t, v) per sample in append order. Values go through a
 * DataView so NaN payloads (the staleness marker) survive bit for bit.
 *
 * A label set is kept as the bytes remote write sends for it (the `labels`
 * fields of a protobuf TimeSeries, sorted by name), from append to the HTTP
 * body: encoded once, copied into the record, read back as a view of the
 * record and copied into the request. No label strings or objects exist
 * between commit() and send, which is most of the collector's CPU and heap
 * otherwise (15,000 series per collection on a 110-pod node).
 *
 * Layout, little endian: u32 sampleCount, u32 seriesCount | WIRE_FORMAT, per
 * series u32 byteLength + the label bytes, then per sample u32 seriesIndex,
 * f64 t, f64 v. Records written before WIRE_FORMAT (no flag) hold UTF-8 JSON
 * of [[name, value], …] per series instead; they are still read.
 */
import type { Labels } from '../../tsdb/interface.js';

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

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function putVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/**
 * `labels` as TimeSeries label fields: per label, sorted by name, field 1
 * (Label) holding field 1 (name) and field 2 (value); empty strings are left
 * out as proto3 does.
 */
export function toQueuedSeries(labels: Labels): QueuedSeries {
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
  const wire = scratch.slice(0, pos);
  return { wire, hash: fnv(wire) };
}

function putString(field: number, s: string, pos: number): number {
  if (s === '') return pos;
  scratch[pos] = (field << 3) | 2;
  // Encode first, then place the length: write at a 2-byte length guess and move if needed.
  const at = pos + 1 + (s.length < 43 ? 1 : varintSize(3 * s.length));
  const { written } = encoder.encodeInto(s, scratch.subarray(at));
  const lenBytes = varintSize(written);
  const want = pos + 1 + lenBytes;
  if (want !== at) scratch.copyWithin(want, at, at + written);
  putVarint(scratch, pos + 1, written);
  return want + written;
}

export function encodeRecord(samples: readonly QueuedSample[]): Uint8Array {
  const index = new Map<QueuedSeries, number>();
  const series: QueuedSeries[] = [];
  for (const s of samples) {
    if (index.has(s.series)) continue;
    index.set(s.series, series.length);
    series.push(s.series);
  }
  const size = 8 + series.reduce((n, k) => n + 4 + k.wire.length, 0) + samples.length * 20;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  view.setUint32(0, samples.length, true);
  view.setUint32(4, (series.length | WIRE_FORMAT) >>> 0, true);
  let pos = 8;
  for (const k of series) {
    view.setUint32(pos, k.wire.length, true);
    buf.set(k.wire, pos + 4);
    pos += 4 + k.wire.length;
  }
  for (const s of samples) {
    view.setUint32(pos, index.get(s.series) as number, true);
    view.setFloat64(pos + 4, s.t, true);
    view.setFloat64(pos + 12, s.v, true);
    pos += 20;
  }
  return buf;
}

/** The sample count, readable without decoding the rest (for queue accounting). */
export function recordSampleCount(payload: Uint8Array): number {
  return payload.length >= 4 ? new DataView(payload.buffer, payload.byteOffset).getUint32(0, true) : 0;
}

/**
 * Decodes a record whose CRC matched; throws only if our own encoder is broken.
 * The label bytes of the result are views of `payload`.
 */
export function decodeRecord(payload: Uint8Array): QueuedSample[] {
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
  const out: QueuedSample[] = new Array<QueuedSample>(count);
  for (let i = 0; i < count; i++) {
    const s = series[view.getUint32(pos, true)];
    if (!s) throw new Error(`queue record: series index out of range at byte ${pos}`);
    out[i] = { series: s, t: view.getFloat64(pos + 4, true), v: view.getFloat64(pos + 12, true) };
    pos += 20;
  }
  return out;
}
