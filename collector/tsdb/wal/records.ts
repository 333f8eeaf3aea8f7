/**
 * WAL record payloads. Our own compact format (the WAL is internal; blocks are
 * what other tools read):
 *
 *   series      repeated: ref u32 | label count u16 | (name, value) as u16 length + UTF-8
 *   samples     repeated: ref u32 | t f64 | v f64 (raw bits, so NaN payloads survive)
 *   tombstones  repeated: ref u32 | minT f64 | maxT f64
 *
 * All big-endian. Timestamps are integer milliseconds, exact in an f64.
 */
export type RecordType = 'series' | 'samples' | 'tombstones';

export const RECORD_CODE: Record<RecordType, number> = { series: 1, samples: 2, tombstones: 3 };
export const CODE_RECORD: Readonly<Record<number, RecordType>> = { 1: 'series', 2: 'samples', 3: 'tombstones' };

export interface SeriesRecord {
  readonly ref: number;
  /** Sorted [name, value, ...]. */
  readonly pairs: readonly string[];
}

export function encodeSeries(series: readonly SeriesRecord[]): Buffer {
  let size = 0;
  const encoded = series.map((s) => s.pairs.map((p) => Buffer.from(p, 'utf8')));
  for (const e of encoded) {
    size += 6;
    for (const b of e) size += 2 + b.length;
  }
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  series.forEach((s, i) => {
    off = out.writeUInt32BE(s.ref, off);
    off = out.writeUInt16BE(s.pairs.length / 2, off);
    for (const b of encoded[i]!) {
      off = out.writeUInt16BE(b.length, off);
      off += b.copy(out, off);
    }
  });
  return out;
}

export function decodeSeries(buf: Buffer): SeriesRecord[] {
  const out: SeriesRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    const ref = buf.readUInt32BE(off);
    const n = buf.readUInt16BE(off + 4);
    off += 6;
    const pairs: string[] = [];
    for (let i = 0; i < n * 2; i++) {
      const len = buf.readUInt16BE(off);
      if (off + 2 + len > buf.length) throw new RangeError(`series record: label runs past the record at byte ${off}`);
      pairs.push(buf.toString('utf8', off + 2, off + 2 + len));
      off += 2 + len;
    }
    out.push({ ref, pairs });
  }
  return out;
}

export const SAMPLE_BYTES = 20;

/** Encodes samples [from, to) of parallel arrays. */
export function encodeSamples(refs: readonly number[], ts: readonly number[], vs: Float64Array, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * SAMPLE_BYTES);
  for (let i = 0, off = 0; i < count; i++, off += SAMPLE_BYTES) {
    out.writeUInt32BE(refs[i]!, off);
    out.writeDoubleBE(ts[i]!, off + 4);
    out.writeDoubleBE(vs[i]!, off + 12);
  }
  return out;
}

/** Calls fn for each sample; values are read straight from the bytes (no NaN canonicalisation). */
export function forEachSample(buf: Buffer, fn: (ref: number, t: number, v: number) => void): void {
  if (buf.length % SAMPLE_BYTES !== 0)
    throw new RangeError(`samples record of ${buf.length} bytes is not a multiple of ${SAMPLE_BYTES}`);
  for (let off = 0; off < buf.length; off += SAMPLE_BYTES) {
    fn(buf.readUInt32BE(off), buf.readDoubleBE(off + 4), buf.readDoubleBE(off + 12));
  }
}

export interface TombstoneRecord {
  readonly ref: number;
  readonly minT: number;
  readonly maxT: number;
}

export function encodeTombstones(ts: readonly TombstoneRecord[]): Buffer {
  const out = Buffer.allocUnsafe(ts.length * 20);
  ts.forEach((t, i) => {
    out.writeUInt32BE(t.ref, i * 20);
    out.writeDoubleBE(t.minT, i * 20 + 4);
    out.writeDoubleBE(t.maxT, i * 20 + 12);
  });
  return out;
}

export function decodeTombstones(buf: Buffer): TombstoneRecord[] {
  if (buf.length % 20 !== 0) throw new RangeError(`tombstones record of ${buf.length} bytes is not a multiple of 20`);
  const out: TombstoneRecord[] = [];
  for (let off = 0; off < buf.length; off += 20) {
    out.push({ ref: buf.readUInt32BE(off), minT: buf.readDoubleBE(off + 4), maxT: buf.readDoubleBE(off + 12) });
  }
  return out;
}

/** Receives the records found at open, in the order they were written. */
export interface ReplayHandler {
  series(rec: SeriesRecord): void;
  sample(ref: number, t: number, v: number): void;
  tombstone(rec: TombstoneRecord): void;
}

/** Decodes one record into handler calls; returns 1 if the record type is known, else 0. */
export function dispatch(type: number, payload: Buffer, h: ReplayHandler): number {
  switch (CODE_RECORD[type]) {
    case 'series':
      for (const s of decodeSeries(payload)) h.series(s);
      return 1;
    case 'samples':
      forEachSample(payload, (ref, t, v) => h.sample(ref, t, v));
      return 1;
    case 'tombstones':
      for (const t of decodeTombstones(payload)) h.tombstone(t);
      return 1;
    case undefined:
    default:
      return 0; // a record type from a newer version; skip it
  }
}
