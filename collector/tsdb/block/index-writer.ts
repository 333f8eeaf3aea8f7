/**
 * Builds an `index` file in format version 2 (Prometheus' tsdb/index/index.go,
 * docs/format/index.md), section by section in the order Prometheus 2.x
 * writes them:
 *
 *   magic 0xBAAAD700 | version 2 | symbols | series (each 16-byte aligned,
 *   ref = offset / 16) | label indices | postings (4-byte aligned, the first
 *   being the all-series list under the empty name and value) | label offset
 *   table | postings offset table | TOC
 *
 * Every section ends in a CRC-32C. The whole file is built in memory; at
 * roughly 100 bytes per series that is fine up to millions of series.
 */
import { compareStrings, type LabelPairs } from '../labels/label-set.js';
import { Encbuf } from './encbuf.js';

export const INDEX_MAGIC = 0xbaaad700;
export const INDEX_FORMAT_V2 = 2;
export const SERIES_ALIGN = 16;
export const TOC_BYTES = 6 * 8 + 4;

export interface IndexChunkMeta {
  readonly minT: number;
  readonly maxT: number;
  /** Chunk reference as ChunkWriter returned it. */
  readonly ref: number;
}

export interface IndexSeriesEntry {
  /** Canonical pairs: sorted by name, no empty values. */
  readonly pairs: LabelPairs;
  /** Sorted by time, not overlapping, refs ascending. */
  readonly chunks: readonly IndexChunkMeta[];
}

/** Encodes the index. `series` must be sorted by labels; a violation is a bug in the caller and throws. */
export function encodeIndex(series: readonly IndexSeriesEntry[]): Uint8Array {
  const symbols = collectSymbols(series);
  const symbolIds = new Map<string, number>();
  symbols.forEach((s, i) => symbolIds.set(s, i));

  const b = new Encbuf(1 << 16);
  b.putBE32(INDEX_MAGIC);
  b.putByte(INDEX_FORMAT_V2);

  const tocSymbols = b.len;
  writeSymbols(b, symbols);

  const tocSeries = b.len;
  // name -> value -> series refs, refs ascending because series come in order.
  const postings = new Map<string, Map<string, number[]>>();
  const all: number[] = [];
  for (const s of series) {
    b.padTo(SERIES_ALIGN);
    const ref = b.len / SERIES_ALIGN;
    all.push(ref);
    writeSeries(b, s, symbolIds);
    for (let i = 0; i < s.pairs.length; i += 2) {
      const name = s.pairs[i]!;
      const value = s.pairs[i + 1]!;
      let byValue = postings.get(name);
      if (!byValue) postings.set(name, (byValue = new Map<string, number[]>()));
      let refs = byValue.get(value);
      if (!refs) byValue.set(value, (refs = []));
      refs.push(ref);
    }
  }
  const names = [...postings.keys()].sort(compareStrings);
  const sortedValues = new Map(names.map((n) => [n, [...postings.get(n)!.keys()].sort(compareStrings)]));

  const tocLabelIndices = b.len;
  const labelIndexOffsets: [string, number][] = [];
  for (const name of names) {
    b.padTo(4);
    labelIndexOffsets.push([name, b.len]);
    const values = sortedValues.get(name)!;
    const lenAt = b.len;
    b.putBE32(0);
    b.putBE32(1); // one label name per index, as Prometheus always wrote them
    b.putBE32(values.length);
    for (const v of values) b.putBE32(symbolIds.get(v)!);
    b.setBE32(lenAt, b.len - lenAt - 4);
    b.putCrcOf(lenAt + 4);
  }

  b.padTo(4);
  const tocPostings = b.len;
  const postingOffsets: [string, string, number][] = [];
  const writePostings = (name: string, value: string, refs: readonly number[]): void => {
    b.padTo(4);
    postingOffsets.push([name, value, b.len]);
    b.putBE32(4 + 4 * refs.length);
    b.putBE32(refs.length);
    for (const r of refs) b.putBE32(r);
    b.putCrcOf(b.len - 4 - 4 * refs.length);
  };
  writePostings('', '', all);
  for (const name of names) {
    const byValue = postings.get(name)!;
    for (const v of sortedValues.get(name)!) writePostings(name, v, byValue.get(v)!);
  }

  const tocLabelTable = b.len;
  writeOffsetTable(b, labelIndexOffsets.length, () => {
    for (const [name, off] of labelIndexOffsets) {
      b.putUvarint(1);
      b.putUvarintStr(name);
      b.putUvarint(off);
    }
  });

  const tocPostingsTable = b.len;
  writeOffsetTable(b, postingOffsets.length, () => {
    for (const [name, value, off] of postingOffsets) {
      b.putUvarint(2);
      b.putUvarintStr(name);
      b.putUvarintStr(value);
      b.putUvarint(off);
    }
  });

  const tocAt = b.len;
  for (const x of [tocSymbols, tocSeries, tocLabelIndices, tocLabelTable, tocPostings, tocPostingsTable]) b.putBE64(x);
  b.putCrcOf(tocAt);
  return b.get().slice();
}

function collectSymbols(series: readonly IndexSeriesEntry[]): string[] {
  const set = new Set<string>();
  let prev: LabelPairs | undefined;
  for (const s of series) {
    if (prev && comparePairs(prev, s.pairs) >= 0) {
      throw new Error(`index: series out of order: {${s.pairs.join(',')}} after {${prev.join(',')}}`);
    }
    prev = s.pairs;
    for (const x of s.pairs) set.add(x);
  }
  return [...set].sort(compareStrings);
}

function comparePairs(a: LabelPairs, b: LabelPairs): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function writeSymbols(b: Encbuf, symbols: readonly string[]): void {
  const lenAt = b.len;
  b.putBE32(0);
  b.putBE32(symbols.length);
  for (const s of symbols) b.putUvarintStr(s);
  b.setBE32(lenAt, b.len - lenAt - 4);
  b.putCrcOf(lenAt + 4);
}

const seriesBody = new Encbuf(1024);

function writeSeries(b: Encbuf, s: IndexSeriesEntry, symbolIds: ReadonlyMap<string, number>): void {
  const e = seriesBody;
  e.reset();
  e.putUvarint(s.pairs.length / 2);
  for (const x of s.pairs) e.putUvarint(symbolIds.get(x)!);
  e.putUvarint(s.chunks.length);
  let prevMaxT = 0;
  let prevRef = 0;
  s.chunks.forEach((c, i) => {
    if (c.maxT < c.minT) throw new Error(`index: chunk maxT ${c.maxT} before minT ${c.minT}`);
    if (i === 0) {
      e.putVarint(c.minT);
      e.putUvarint(c.maxT - c.minT);
      e.putUvarint(c.ref);
    } else {
      if (c.minT <= prevMaxT) throw new Error(`index: chunk minT ${c.minT} not after previous maxT ${prevMaxT}`);
      e.putUvarint(c.minT - prevMaxT);
      e.putUvarint(c.maxT - c.minT);
      e.putVarint(c.ref - prevRef);
    }
    prevMaxT = c.maxT;
    prevRef = c.ref;
  });
  b.putUvarint(e.len);
  const from = b.len;
  b.putBytes(e.get());
  b.putCrcOf(from);
}

/** len <4b> | #entries <4b> | entries | CRC over #entries and entries. */
function writeOffsetTable(b: Encbuf, count: number, entries: () => void): void {
  const lenAt = b.len;
  b.putBE32(0);
  b.putBE32(count);
  entries();
  b.setBE32(lenAt, b.len - lenAt - 4);
  b.putCrcOf(lenAt + 4);
}
