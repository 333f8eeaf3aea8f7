/**
 * Reads an `index` file in format version 2 (see index-writer.ts for the
 * layout). The file is held in memory and checked completely when opened:
 * magic, version, TOC, and the CRC of every section, series and postings
 * list. After that, lookups cannot meet corruption, so queries need no error
 * paths.
 */
import { readFile } from 'node:fs/promises';
import { compareStrings } from '../labels/label-set.js';
import { Decbuf } from './decbuf.js';
import { INDEX_FORMAT_V2, INDEX_MAGIC, SERIES_ALIGN, TOC_BYTES, type IndexChunkMeta } from './index-writer.js';

export interface IndexSeries {
  /** Canonical pairs [name0, value0, ...]. */
  readonly pairs: readonly string[];
  readonly chunks: readonly IndexChunkMeta[];
}

interface Toc {
  readonly symbols: number;
  readonly series: number;
  readonly labelIndices: number;
  readonly labelIndicesTable: number;
  readonly postings: number;
  readonly postingsTable: number;
}

export class IndexReader {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    readonly symbols: readonly string[],
    /** name -> value -> offset of the postings list; names and values in sorted order. */
    private readonly postingOffsets: ReadonlyMap<string, ReadonlyMap<string, number>>,
    /** Every series ref in the file, ascending (which is label order). */
    readonly allRefs: readonly number[],
    /** CRCs are checked while parsing; the reader handed out has seen every byte already. */
    private readonly checkCrcs: boolean,
  ) {}

  static async open(file: string): Promise<IndexReader> {
    return IndexReader.parse(await readFile(file), file);
  }

  /** Parses and verifies; throws CorruptionError naming the file and byte offset. */
  static parse(bytes: Uint8Array, file: string): IndexReader {
    const d = new Decbuf(bytes, file);
    if (bytes.length < 5 + TOC_BYTES) d.fail(`index is ${bytes.length} bytes, too short to hold header and TOC`, 0);
    const magic = d.be32();
    if (magic !== INDEX_MAGIC) d.fail(`bad magic 0x${magic.toString(16)}, expected 0xbaaad700`, 0);
    const version = d.byte();
    if (version !== INDEX_FORMAT_V2)
      d.fail(`index format version ${version} is not supported (only 2, written by Prometheus 2.x)`, 4);
    const toc = readToc(d);
    const symbols = readSymbols(d, toc.symbols);
    const postingOffsets = readPostingsTable(d, toc.postingsTable);
    const reader = new IndexReader(bytes, file, symbols, postingOffsets, [], true);
    const all = postingOffsets.get('')?.get('');
    const allRefs = all === undefined ? [] : reader.readPostings(all);
    for (const [name, values] of postingOffsets) {
      for (const off of values.values()) {
        const refs = name === '' ? allRefs : reader.readPostings(off);
        for (const r of refs)
          if (r * SERIES_ALIGN < toc.series || r * SERIES_ALIGN >= toc.labelIndices)
            d.fail(`postings list refers to series ${r} outside the series section`, off);
      }
    }
    // Decode every series once: checks its CRC and that its symbol refs exist.
    for (const ref of allRefs) reader.series(ref);
    return new IndexReader(bytes, file, symbols, postingOffsets, allRefs, false);
  }

  /** Sorted label names (the all-series key "" excluded). */
  labelNames(): string[] {
    return [...this.postingOffsets.keys()].filter((n) => n !== '');
  }

  /** Sorted values of `name`. */
  labelValues(name: string): string[] {
    return [...(this.postingOffsets.get(name)?.keys() ?? [])];
  }

  /** Refs of series carrying name=value, ascending. */
  postings(name: string, value: string): readonly number[] {
    const off = this.postingOffsets.get(name)?.get(value);
    return off === undefined ? [] : this.readPostings(off);
  }

  /** Refs of series with label `name` whose value satisfies `pred`, one list per value. */
  postingsWhere(name: string, pred: (v: string) => boolean): number[][] {
    const out: number[][] = [];
    for (const [value, off] of this.postingOffsets.get(name) ?? []) if (pred(value)) out.push(this.readPostings(off));
    return out;
  }

  private readPostings(off: number): number[] {
    const d = new Decbuf(this.bytes, this.file, off);
    const len = d.be32();
    if (this.checkCrcs) d.checkCrc(off + 4, off + 4 + len, 'postings list');
    const n = d.be32();
    if (4 + 4 * n !== len) d.fail(`postings list of ${n} entries does not fill its ${len} bytes`, off);
    const refs = new Array<number>(n);
    for (let i = 0; i < n; i++) refs[i] = d.be32();
    return refs;
  }

  series(ref: number): IndexSeries {
    const off = ref * SERIES_ALIGN;
    const d = new Decbuf(this.bytes, this.file, off);
    const len = d.uvarint();
    const start = d.pos;
    if (start + len + 4 > this.bytes.length) d.fail(`series ${ref} runs past the end of the file`, off);
    if (this.checkCrcs) d.checkCrc(start, start + len, `series ${ref}`);
    const body = new Decbuf(this.bytes, this.file, start, start + len);
    const nLabels = body.uvarint();
    const pairs = new Array<string>(nLabels * 2);
    for (let i = 0; i < nLabels * 2; i++) {
      const at = body.pos;
      const sym = this.symbols[body.uvarint()];
      pairs[i] = sym ?? body.fail(`series ${ref} refers to a symbol that does not exist`, at);
    }
    const nChunks = body.uvarint();
    const chunks: IndexChunkMeta[] = [];
    let maxT = 0;
    let cref = 0;
    for (let i = 0; i < nChunks; i++) {
      let minT: number;
      if (i === 0) {
        minT = body.varint();
        maxT = minT + body.uvarint();
        cref = body.uvarint();
      } else {
        minT = maxT + body.uvarint();
        maxT = minT + body.uvarint();
        cref += body.varint();
      }
      chunks.push({ minT, maxT, ref: cref });
    }
    return { pairs, chunks };
  }
}

function readToc(d: Decbuf): Toc {
  const at = d.bytes.length - TOC_BYTES;
  d.checkCrc(at, at + TOC_BYTES - 4, 'TOC');
  d.pos = at;
  const toc: Toc = {
    symbols: d.be64(),
    series: d.be64(),
    labelIndices: d.be64(),
    labelIndicesTable: d.be64(),
    postings: d.be64(),
    postingsTable: d.be64(),
  };
  for (const [k, v] of Object.entries(toc)) if (v > at) d.fail(`TOC entry ${k} = ${v} points past the TOC`, at);
  return toc;
}

function readSymbols(d: Decbuf, off: number): string[] {
  d.pos = off;
  const len = d.be32();
  d.checkCrc(off + 4, off + 4 + len, 'symbol table');
  const body = new Decbuf(d.bytes, d.file, off + 4, off + 4 + len);
  const n = body.be32();
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = body.uvarintStr();
  return out;
}

function readPostingsTable(d: Decbuf, off: number): Map<string, Map<string, number>> {
  d.pos = off;
  const len = d.be32();
  d.checkCrc(off + 4, off + 4 + len, 'postings offset table');
  const body = new Decbuf(d.bytes, d.file, off + 4, off + 4 + len);
  const n = body.be32();
  const out = new Map<string, Map<string, number>>();
  let prevName: string | undefined;
  let prevValue = '';
  for (let i = 0; i < n; i++) {
    const at = body.pos;
    const keys = body.uvarint();
    if (keys !== 2) body.fail(`postings offset entry has ${keys} keys, expected 2`, at);
    const name = body.uvarintStr();
    const value = body.uvarintStr();
    const postingsOff = body.uvarint();
    // Lookups rely on the order Prometheus guarantees; check it rather than trust it.
    if (prevName !== undefined) {
      const c = compareStrings(prevName, name) || compareStrings(prevValue, value);
      if (c >= 0) body.fail(`postings offset table is not sorted at ${name}=${JSON.stringify(value)}`, at);
    }
    prevName = name;
    prevValue = value;
    let values = out.get(name);
    if (!values) out.set(name, (values = new Map<string, number>()));
    values.set(value, postingsOff);
  }
  return out;
}
