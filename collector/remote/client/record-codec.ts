/**
 * One committed appender as one queue record: the label sets once each, then
 * (series index, t, v) per sample in append order. Values go through a
 * DataView so NaN payloads (the staleness marker) survive bit for bit.
 *
 * Layout, little endian: u32 sampleCount, u32 seriesCount, per series
 * u32 byteLength + UTF-8 JSON of [[name, value], …] sorted by name, then per
 * sample u32 seriesIndex, f64 t, f64 v.
 */
import type { Labels } from '../../tsdb/interface.js';

/** A label set in the order remote write requires (sorted by name), with its key. */
export interface QueuedSeries {
  readonly key: string;
  readonly labels: readonly (readonly [string, string])[];
}

export interface QueuedSample {
  readonly series: QueuedSeries;
  readonly t: number;
  readonly v: number;
}

export function toQueuedSeries(labels: Labels): QueuedSeries {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { key: JSON.stringify(pairs), labels: pairs };
}

export function encodeRecord(samples: readonly QueuedSample[]): Uint8Array {
  const index = new Map<string, number>();
  const keys: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const s of samples) {
    if (index.has(s.series.key)) continue;
    index.set(s.series.key, keys.length);
    keys.push(enc.encode(s.series.key));
  }
  const size = 8 + keys.reduce((n, k) => n + 4 + k.length, 0) + samples.length * 20;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  view.setUint32(0, samples.length, true);
  view.setUint32(4, keys.length, true);
  let pos = 8;
  for (const k of keys) {
    view.setUint32(pos, k.length, true);
    buf.set(k, pos + 4);
    pos += 4 + k.length;
  }
  for (const s of samples) {
    view.setUint32(pos, index.get(s.series.key) as number, true);
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

/** Decodes a record whose CRC matched; throws only if our own encoder is broken. */
export function decodeRecord(payload: Uint8Array): QueuedSample[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const dec = new TextDecoder();
  const count = view.getUint32(0, true);
  const seriesCount = view.getUint32(4, true);
  const series: QueuedSeries[] = [];
  let pos = 8;
  for (let i = 0; i < seriesCount; i++) {
    const len = view.getUint32(pos, true);
    const key = dec.decode(payload.subarray(pos + 4, pos + 4 + len));
    series.push({ key, labels: JSON.parse(key) as [string, string][] });
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
