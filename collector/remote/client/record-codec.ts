/**
 * One committed appender as one queue record: its labels once each, its
 * series once each, then (series index, t, v) per sample in append order.
 * Values go through a DataView so NaN payloads (the staleness marker) survive
 * bit for bit. A record needs no other record to be read.
 *
 * A label set is kept as the bytes remote write sends for it (the `labels`
 * fields of a protobuf TimeSeries, sorted by name), from append to the HTTP
 * body: encoded once per label object (SeriesEncoder; a pipeline hands the
 * same object for a series every collection), and copied into the request.
 * No label strings or objects are made between append and send, which was
 * most of the collector's CPU and heap (15,000 series per collection on a
 * 110-pod node). The bytes are pieces, one per label, each held once for all
 * the series that carry it, in memory and in a record: a container's ~30
 * series share its id, name, image, pod…, so a full collection of that node
 * is a record of ~0.6 MB, not the 6.6 MB of every series' labels in full.
 *
 * Layout, little endian: u32 sampleCount, u32 seriesCount | PIECE_FORMAT,
 * u32 pieceCount; per piece u32 byteLength + its bytes (whole Label fields);
 * per series u32 hash, varint partCount, partCount varint piece indexes; then
 * per sample u32 seriesIndex, f64 t, f64 v. Earlier layouts are still read:
 * WIRE_FORMAT (per series u32 byteLength + all its label bytes, no pieces),
 * and no flag (UTF-8 JSON of [[name, value], …] per series).
 */
import type { Labels } from '../../tsdb/interface.js';
import { ProtobufReader } from '../protobuf-reader.js';
import { putVarint, varintSize } from '../varint.js';
import { withHeadroom } from './segment-frame.js';

/**
 * A label set as remote write's TimeSeries `labels` bytes: `parts` in order, `byteLength` in all.
 * `hash` (FNV-1a of the bytes) picks its shard, stable across restarts.
 */
export interface QueuedSeries {
  /** One piece per label when SeriesEncoder made it (pieces shared between series); one when read from a record. */
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  readonly hash: number;
}

export interface QueuedSample {
  readonly series: QueuedSeries;
  readonly t: number;
  readonly v: number;
}

/** Set in the series count of records whose label sets are wire bytes, each in full. */
const WIRE_FORMAT = 0x80000000;
/** Set in the series count of records whose series are lists of label pieces (the layout written now). */
const PIECE_FORMAT = 0x40000000;
const SERIES_COUNT = 0x3fffffff;

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over the bytes, continuing from `h` (an unfinished hash; finish with `>>> 0`). */
function fnvUpdate(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h;
}

/** FNV-1a over the bytes. */
function fnv(bytes: Uint8Array): number {
  return fnvUpdate(FNV_OFFSET, bytes) >>> 0;
}

/** A series of one piece. */
function whole(wire: Uint8Array, hash = fnv(wire)): QueuedSeries {
  return { parts: [wire], byteLength: wire.length, hash };
}

/**
 * Copies the label bytes of `s` into `out` at `at`; returns the position after them.
 * Indexed loops here and in RecordBuilder, not for…of: the collector runs without TurboFan
 * (--max-opt=2), and Maglev's for…of over an array allocates an iterator result per element:
 * ~12 MB a full collection of a 110-pod node for these two loops alone (bench/pipeline-cost.mjs,
 * allocation sampling), all of it for the GC to clear.
 */
export function copyLabelBytes(s: QueuedSeries, out: Uint8Array, at: number): number {
  const parts = s.parts;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as Uint8Array;
    const n = p.length;
    // Most pieces are a short label: a loop beats set()'s call for those.
    if (n <= 32) for (let i = 0; i < n; i++) out[at + i] = p[i] as number;
    else out.set(p, at);
    at += n;
  }
  return at;
}

/** Whether two series have the same label bytes (the same series read from two records, say). */
export function sameLabelBytes(a: QueuedSeries, b: QueuedSeries): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength || a.hash !== b.hash) return false;
  // Walk both piece lists at once.
  let ia = 0;
  let ib = 0;
  let oa = 0;
  let ob = 0;
  for (let left = a.byteLength; left > 0; left--) {
    let pa = a.parts[ia] as Uint8Array;
    while (oa === pa.length) {
      pa = a.parts[++ia] as Uint8Array;
      oa = 0;
    }
    let pb = b.parts[ib] as Uint8Array;
    while (ob === pb.length) {
      pb = b.parts[++ib] as Uint8Array;
      ob = 0;
    }
    if (pa[oa++] !== pb[ob++]) return false;
  }
  return true;
}

/** FNV-1a over UTF-16 code units: the hash records of the JSON format were sharded by. */
function fnvString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `labels` as TimeSeries label fields: per label, sorted by name, field 1
 * (Label) holding field 1 (name) and field 2 (value); empty strings are left
 * out as proto3 does.
 */
export function toQueuedSeries(labels: Labels): QueuedSeries {
  return whole(encoded(labels));
}

/** The label bytes of `labels`, in a buffer of their own. */
function encoded(labels: Labels): Uint8Array {
  const n = encodeLabels(labels); // first: it may replace `scratch` with a larger one
  return scratch.slice(0, n);
}

/**
 * Label pieces up to a quarter of this share slabs; larger ones get a buffer of their own.
 * Small, because a slab lives as long as any piece in it: as pods come and go, a slab kept
 * by one long-lived piece wastes at most this much.
 */
const SLAB_BYTES = 4 * 1024;

/**
 * New pieces remembered before the older generation of the piece table is let go: the table
 * finds a label's piece for the next series that has it, and forgets the labels of pods long
 * gone. A 110-pod node has ~2,500 distinct labels; series keep their pieces whatever the table forgets.
 */
const PIECES_PER_GENERATION = 4096;

/**
 * Encodes each label object once for as long as it lives: a pipeline hands the
 * same object for the same series every collection (see SeriesLabels), so a
 * steady node's 15,000 series are encoded once, not once per collection. Each
 * label (name and value) is encoded once too, and its bytes are shared by every
 * series that has it; the bytes live in 4 KiB slabs.
 */
export class SeriesEncoder {
  private readonly cache = new WeakMap<Labels, QueuedSeries>();
  /** name → value → the Label's bytes: this generation's, and the one before. */
  private pieces = new Map<string, Map<string, Uint8Array>>();
  private older = new Map<string, Map<string, Uint8Array>>();
  private added = 0;
  private slab = new Uint8Array(SLAB_BYTES);
  private used = 0;

  /** `valid` is asked once per new label object; undefined when it says no. */
  encode(labels: Labels, valid?: (labels: Labels) => boolean): QueuedSeries | undefined {
    let s = this.cache.get(labels);
    if (!s) {
      if (valid && !valid(labels)) return undefined;
      // map(), not push(): an array of exactly its length (push grows one of 9 to room for 17), and
      // there is one such array per series, kept as long as the series.
      const parts = Object.keys(labels)
        .sort()
        .map((name) => this.piece(name, labels[name] as string));
      let h = FNV_OFFSET;
      let byteLength = 0;
      for (let k = 0; k < parts.length; k++) {
        const piece = parts[k] as Uint8Array;
        h = fnvUpdate(h, piece);
        byteLength += piece.length;
      }
      s = { parts, byteLength, hash: h >>> 0 };
      this.cache.set(labels, s);
    }
    return s;
  }

  private piece(name: string, value: string): Uint8Array {
    let byValue = this.pieces.get(name);
    let piece = byValue?.get(value);
    if (piece) return piece;
    piece = this.older.get(name)?.get(value);
    if (!piece) {
      const n = encodeLabel(name, value, 0);
      piece = this.take(n);
      piece.set(scratch.subarray(0, n));
    }
    if (!byValue) {
      byValue = new Map();
      this.pieces.set(name, byValue);
    }
    byValue.set(value, piece);
    if (++this.added === PIECES_PER_GENERATION) {
      this.older = this.pieces;
      this.pieces = new Map();
      this.added = 0;
    }
    return piece;
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
  let pos = 0;
  for (const name of names) pos = encodeLabel(name, labels[name] as string, pos);
  return pos;
}

/** Writes one Label field (name, value) into `scratch` at `pos`, growing it if needed; returns the position after it. */
function encodeLabel(name: string, value: string, pos: number): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; 16 bytes of tags and lengths is ample.
  const bound = pos + 3 * (name.length + value.length) + 16;
  if (scratch.length < bound) {
    const grown = new Uint8Array(Math.max(bound, scratch.length * 2));
    grown.set(scratch.subarray(0, pos));
    scratch = grown;
  }
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

/** Grows one record sample by sample: pieces and series once each, then three numbers per sample. */
export class RecordBuilder {
  readonly series: QueuedSeries[] = [];
  /** Each series' index in `series`: a collection appends the same series object once per sample. */
  private readonly indexOf = new Map<QueuedSeries, number>();
  /** Each piece's index in `pieces`: series of one SeriesEncoder share piece objects. */
  private readonly pieceIndex = new Map<Uint8Array, number>();
  private readonly pieces: Uint8Array[] = [];
  /** Every series' piece indexes, in series order. */
  private parts = new Uint32Array(256);
  private partCount = 0;
  /** Bytes of the piece and series sections, written by encode(). */
  private labelSectionBytes = 0;
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
      if (this.partCount + s.parts.length > this.parts.length) {
        const grown = new Uint32Array(Math.max(this.parts.length * 2, this.partCount + s.parts.length));
        grown.set(this.parts.subarray(0, this.partCount));
        this.parts = grown;
      }
      const parts = s.parts;
      let bytes = 4 + varintSize(parts.length);
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j] as Uint8Array;
        let k = this.pieceIndex.get(p);
        if (k === undefined) {
          k = this.pieces.push(p) - 1;
          this.pieceIndex.set(p, k);
          bytes += 4 + p.length;
        }
        this.parts[this.partCount++] = k;
        bytes += varintSize(k);
      }
      this.labelSectionBytes += bytes;
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
    const buf = withHeadroom(12 + this.labelSectionBytes + n * 20);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    view.setUint32(0, n, true);
    view.setUint32(4, (this.series.length | PIECE_FORMAT) >>> 0, true);
    view.setUint32(8, this.pieces.length, true);
    let pos = 12;
    const pieces = this.pieces;
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k] as Uint8Array;
      view.setUint32(pos, p.length, true);
      buf.set(p, pos + 4);
      pos += 4 + p.length;
    }
    let part = 0;
    const series = this.series;
    for (let j = 0; j < series.length; j++) {
      const s = series[j] as QueuedSeries;
      view.setUint32(pos, s.hash, true);
      pos = putVarint(buf, pos + 4, s.parts.length);
      for (let k = 0; k < s.parts.length; k++) pos = putVarint(buf, pos, this.parts[part++] as number);
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
  const seriesCount = rawSeries & SERIES_COUNT;
  const series: QueuedSeries[] = [];
  let pos = 8;
  if (rawSeries & PIECE_FORMAT) {
    const pieceCount = view.getUint32(pos, true);
    pos += 4;
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < pieceCount; i++) {
      const len = view.getUint32(pos, true);
      pieces.push(payload.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    // Hashes are fixed32 and counts and indexes varints: the protobuf reader's own encodings.
    const r = new ProtobufReader(payload, pos);
    for (let i = 0; i < seriesCount; i++) {
      const hash = r.fixed32();
      const partCount = r.uint32();
      const parts: Uint8Array[] = [];
      let byteLength = 0;
      for (let k = 0; k < partCount; k++) {
        const at = r.offset;
        const piece = pieces[r.uint32()];
        if (!piece) throw new Error(`queue record: piece index out of range at byte ${at}`);
        parts.push(piece);
        byteLength += piece.length;
      }
      series.push({ parts, byteLength, hash });
    }
    pos = r.offset;
  } else {
    const dec = rawSeries & WIRE_FORMAT ? undefined : new TextDecoder();
    for (let i = 0; i < seriesCount; i++) {
      const len = view.getUint32(pos, true);
      const bytes = payload.subarray(pos + 4, pos + 4 + len);
      if (dec) {
        const key = dec.decode(bytes);
        const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
        series.push(whole(encoded(labels), fnvString(key)));
      } else series.push(whole(bytes));
      pos += 4 + len;
    }
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
