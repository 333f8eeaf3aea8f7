/**
 * The in-memory head of the store: series by label set, their chunks, the
 * postings index, tombstones, and the rules deciding which samples it takes.
 * It knows nothing of the WAL or of blocks; `collector/tsdb/tsdb.ts` wires
 * those around it. The block writer uses `seriesInRange` and `truncateBefore`.
 */
import { AppendError } from '../interface.js';
import { floatHi, lastLo } from '../chunkenc/float-bits.js';
import {
  equalsAscii,
  hashEncodedPairs,
  hashLabelSet,
  hashLabelSetPairs,
  type LabelPairs,
} from '../labels/label-set.js';
import type { EncodedLabels, Labels } from '../interface.js';
import { PostingsIndex } from '../labels/postings-index.js';
import { SymbolTable } from '../labels/symbol-table.js';
import { ByteSlab } from '../chunkenc/byte-slab.js';
import { ChunkArena } from './chunk-arena.js';
import { LabelIdArena } from './label-id-arena.js';
import { DEFAULT_CHUNK_RANGE_MS } from './chunk-range.js';
import { checkNewSeries, describeSeries, type TsdbLimits } from './limits.js';
import { MemSeries, type ChunkMeta } from './mem-series.js';
import { OooBuffer } from './ooo-buffer.js';
import type { Intervals } from './series-iterator.js';

export interface HeadOptions {
  /** Block duration; chunks never cross a multiple of it. Default 2 h. */
  readonly chunkRangeMs?: number;
  /** Samples up to this much older than the newest sample are accepted out of order. Default 0. */
  readonly outOfOrderWindowMs?: number;
  readonly limits?: TsdbLimits;
}

export type RejectReason =
  'out_of_order' | 'out_of_bounds' | 'duplicate' | 'too_many_series' | 'invalid_labels' | 'limit_exceeded';

/** What happened to one sample offered to the head. */
export type Admission = 'in_order' | 'out_of_order' | 'noop';

/** The time bounds a new appender checks against, fixed when it is created (as Prometheus does). */
export interface AppendWindow {
  readonly minValidT: number;
  readonly oooMinT: number;
}

/** A series and its chunks in a time range, as the block writer needs it. */
export interface SeriesChunks {
  readonly ref: number;
  /** Sorted [name, value, ...]. */
  readonly pairs: LabelPairs;
  readonly chunks: readonly ChunkMeta[];
  /** Out-of-order samples in range, sorted; the writer merges them (see mergedChunks in head-blocks.ts). */
  readonly oooTs: Float64Array;
  readonly oooVs: Float64Array;
  readonly tombstones: Intervals | undefined;
}

export class Head {
  readonly symbols = new SymbolTable();
  readonly index = new PostingsIndex(this.symbols);
  readonly arena = new ChunkArena();
  readonly labelIds = new LabelIdArena();
  /** Buffers of the chunks being appended to. */
  readonly slab = new ByteSlab();
  readonly chunkRangeMs: number;
  readonly oooWindowMs: number;
  readonly limits: TsdbLimits;
  /** Indexed by ref: refs are dense, and an array slot costs 4 bytes where a Map entry costs ~30. */
  private readonly series: Array<MemSeries | undefined> = [];
  private liveSeries = 0;
  /**
   * Series by the low 30 bits of their label-set hash (see bucket()): a small
   * integer key is stored inline, where a 53-bit one would cost a heap number
   * per series and a slower lookup. Colliding series share an array.
   */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  private readonly tombstones = new Map<number, number[]>();
  /** Series created by an appender whose WAL series record is not written yet. */
  readonly unlogged = new Set<number>();
  private nextRef = 1;
  /** Bounds of committed samples; ±Infinity while empty. */
  minT = Infinity;
  maxT = -Infinity;
  /** Nothing below this may be appended: it is persisted in blocks already. */
  minValidTime = -Infinity;
  samplesAppended = 0;
  oooSamplesAppended = 0;
  chunksCreated = 0;
  chunksRemoved = 0;
  readonly rejected: Record<RejectReason, number> = {
    out_of_order: 0,
    out_of_bounds: 0,
    duplicate: 0,
    too_many_series: 0,
    invalid_labels: 0,
    limit_exceeded: 0,
  };

  constructor(options: HeadOptions = {}) {
    this.chunkRangeMs = options.chunkRangeMs ?? DEFAULT_CHUNK_RANGE_MS;
    this.oooWindowMs = options.outOfOrderWindowMs ?? 0;
    this.limits = options.limits ?? {};
  }

  get numSeries(): number {
    return this.liveSeries;
  }

  getByRef(ref: number): MemSeries | undefined {
    return this.series[ref];
  }

  lookup(pairs: LabelPairs, hash = hashLabelSetPairs(pairs)): MemSeries | undefined {
    const hit = this.byHash.get(bucket(hash));
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return this.sameLabels(hit, pairs) ? hit : undefined;
    return hit.find((s) => this.sameLabels(s, pairs));
  }

  /**
   * The series with exactly these labels, found without sorting or copying
   * them: the fast path of every append.
   */
  lookupLabels(labels: Labels): MemSeries | undefined {
    const hit = this.byHash.get(bucket(hashLabelSet(labels)));
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return this.sameAsObject(hit, labels) ? hit : undefined;
    return hit.find((s) => this.sameAsObject(s, labels));
  }

  /**
   * The series with exactly these labels given as bytes (remote write), found
   * without decoding them; undefined when there is none or a byte is not ASCII.
   */
  lookupEncoded(
    labels: EncodedLabels,
    hash = hashEncodedPairs(labels.buf, labels.offsets, labels.count),
  ): MemSeries | undefined {
    if (hash < 0) return undefined;
    const hit = this.byHash.get(bucket(hash));
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return this.sameAsEncoded(hit, labels) ? hit : undefined;
    return hit.find((s) => this.sameAsEncoded(s, labels));
  }

  private sameAsEncoded(s: MemSeries, labels: EncodedLabels): boolean {
    if (s.idsLen !== 2 * labels.count) return false;
    const ids = this.labelIds.ids;
    const { buf, offsets } = labels;
    for (let i = 0; i < s.idsLen; i++) {
      if (!equalsAscii(this.symbols.get(ids[s.idsOff + i]!), buf, offsets[2 * i]!, offsets[2 * i + 1]!)) return false;
    }
    return true;
  }

  private sameAsObject(s: MemSeries, labels: Labels): boolean {
    const ids = this.labelIds.ids;
    const end = s.idsOff + s.idsLen;
    for (let i = s.idsOff; i < end; i += 2) {
      if (labels[this.symbols.get(ids[i]!)] !== this.symbols.get(ids[i + 1]!)) return false;
    }
    // Every series label matched; the object must not have further non-empty ones.
    let n = 0;
    for (const k in labels) {
      const v = labels[k];
      if (v !== '' && v !== undefined) n++;
    }
    return n * 2 === s.idsLen;
  }

  /** Compares without materialising the series' strings (this runs on every append). */
  private sameLabels(s: MemSeries, pairs: LabelPairs): boolean {
    if (s.idsLen !== pairs.length) return false;
    const ids = this.labelIds.ids;
    for (let i = 0; i < pairs.length; i++) if (this.symbols.get(ids[s.idsOff + i]!) !== pairs[i]) return false;
    return true;
  }

  pairsOf(s: MemSeries): string[] {
    const out = new Array<string>(s.idsLen);
    const ids = this.labelIds.ids;
    for (let i = 0; i < s.idsLen; i++) out[i] = this.symbols.get(ids[s.idsOff + i]!);
    return out;
  }

  /** Orders two series as Prometheus' labels.Compare does, without copying their strings. */
  compareSeries(a: MemSeries, b: MemSeries): number {
    const ids = this.labelIds.ids;
    const n = Math.min(a.idsLen, b.idsLen);
    for (let i = 0; i < n; i++) {
      const c = this.symbols.compare(ids[a.idsOff + i]!, ids[b.idsOff + i]!);
      if (c !== 0) return c;
    }
    return a.idsLen - b.idsLen;
  }

  /** Finds or creates the series; `ref` is given when replaying the WAL. */
  getOrCreate(
    pairs: LabelPairs,
    ref?: number,
    skipLimits = false,
  ): { series: MemSeries; created: boolean } | AppendError {
    const hash = hashLabelSetPairs(pairs);
    const existing = this.lookup(pairs, hash);
    if (existing) return { series: existing, created: false };
    return this.create(pairs, hash, ref, skipLimits, false);
  }

  /**
   * Creates a series the caller has just looked up and not found, under
   * `hash` (hashLabelSetPairs of pairs). `fresh` says the strings were just
   * made from bytes and hold no other string alive, so the symbol table can
   * keep them as they are.
   */
  create(
    pairs: LabelPairs,
    hash: number,
    ref?: number,
    skipLimits = false,
    fresh = false,
  ): { series: MemSeries; created: boolean } | AppendError {
    const bad = skipLimits ? undefined : checkNewSeries(pairs, this.limits, this.liveSeries);
    if (bad) return bad;
    const r = ref ?? this.nextRef;
    if (r >= this.nextRef) this.nextRef = r + 1;
    const ids = pairs.map((p) => this.symbols.intern(p, fresh));
    const s = new MemSeries(r, this.labelIds.put(ids), ids.length);
    this.series[r] = s;
    this.liveSeries++;
    const hit = this.byHash.get(bucket(hash));
    if (hit === undefined) this.byHash.set(bucket(hash), s);
    else if (Array.isArray(hit)) hit.push(s);
    else this.byHash.set(bucket(hash), [hit, s]);
    this.index.add(r, ids);
    if (ref === undefined) this.unlogged.add(r);
    return { series: s, created: true };
  }

  /**
   * Recreates a series from the WAL under its logged ref, skipping limits (the
   * data was accepted once). Returns the existing series if the labels are
   * already known under another ref.
   */
  restore(pairs: LabelPairs, ref: number): MemSeries {
    const existing = this.lookup(pairs);
    if (existing) return existing;
    const created = this.getOrCreate(pairs, ref, true);
    if (created instanceof AppendError) throw new Error(`unreachable: ${created.message}`);
    return created.series;
  }

  /** Makes sure refs seen in the WAL are never handed out again. */
  reserveRef(ref: number): void {
    if (ref >= this.nextRef) this.nextRef = ref + 1;
  }

  appendWindow(): AppendWindow {
    // An empty head takes anything: backfills and PromQL test scripts start at t=0.
    const minValidT = Math.max(this.minValidTime, this.maxT - this.chunkRangeMs / 2);
    const oooMinT = this.oooWindowMs > 0 ? Math.max(this.minValidTime, this.maxT - this.oooWindowMs) : Infinity;
    return { minValidT, oooMinT };
  }

  /**
   * Decides whether a sample at t may be appended to s, whose newest in-order
   * sample (pending ones included) is at lastT; sameAsLast says whether the
   * new value has the same bits as that one.
   */
  admit(
    s: MemSeries,
    t: number,
    v: number,
    lastT: number,
    sameAsLast: boolean,
    w: AppendWindow,
  ): Admission | AppendError {
    if (!Number.isSafeInteger(t)) {
      return new AppendError('out_of_bounds', `timestamp ${t} is not an integer number of milliseconds`);
    }
    if (t === lastT) {
      if (sameAsLast) return 'noop';
      return new AppendError(
        'duplicate',
        `duplicate sample for timestamp ${t} with a different value in ${this.describe(s)}`,
      );
    }
    if (t > lastT && t >= w.minValidT) return 'in_order';
    if (t >= w.oooMinT) {
      const prev = s.ooo?.valueAt(t);
      if (prev === undefined) return 'out_of_order';
      if (sameBits(prev, v)) return 'noop';
      return new AppendError(
        'duplicate',
        `duplicate sample for timestamp ${t} with a different value in ${this.describe(s)}`,
      );
    }
    if (this.oooWindowMs > 0 && t < lastT) {
      // Prometheus calls this "too old sample": out of order and beyond the window.
      return new AppendError(
        'out_of_bounds',
        `sample at ${t} is older than the out-of-order window allows (${w.oooMinT}) in ${this.describe(s)}`,
      );
    }
    if (t < w.minValidT) {
      return new AppendError(
        'out_of_bounds',
        `sample at ${t} is older than the head accepts (${w.minValidT}) in ${this.describe(s)}`,
      );
    }
    return new AppendError(
      'out_of_order',
      `out of order sample at ${t}, the series is at ${lastT}, in ${this.describe(s)}`,
    );
  }

  private describe(s: MemSeries): string {
    return describeSeries(this.pairsOf(s));
  }

  /**
   * Applies a sample for good (after commit, or during WAL replay). Re-checks
   * against the live state, since another appender may have committed in
   * between; returns false when the sample had to be dropped. `replaying`
   * (WAL replay) keeps out-of-order samples even if the window is now off.
   */
  apply(s: MemSeries, t: number, v: number, replaying = false): boolean {
    const lastT = s.lastT;
    if (t > lastT && t >= this.minValidTime) {
      if (s.appendInOrder(t, v, this.arena, this.slab, this.chunkRangeMs)) this.chunksCreated++;
    } else if (t === lastT) {
      return s.head?.lastValueIs(v) === true;
    } else if ((this.oooWindowMs > 0 || replaying) && t >= this.minValidTime) {
      // On replay the window may have shrunk since; the sample was acknowledged, so keep it.
      if (s.ooo?.has(t)) return false;
      (s.ooo ??= new OooBuffer()).insert(t, v);
      this.oooSamplesAppended++;
    } else return false;
    this.samplesAppended++;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    return true;
  }

  /** Series refs matching the compiled matchers' postings (see PostingsIndex.select). */
  seriesRefs(select: (index: PostingsIndex) => number[]): MemSeries[] {
    const out: MemSeries[] = [];
    for (const ref of select(this.index)) {
      const s = this.series[ref];
      if (s) out.push(s);
    }
    return out;
  }

  tombstonesOf(ref: number): Intervals | undefined {
    return this.tombstones.get(ref);
  }

  /** Marks [minT, maxT] of the series as deleted; reads skip those samples from now on. */
  addTombstone(ref: number, minT: number, maxT: number): void {
    const list = this.tombstones.get(ref);
    if (list) list.push(minT, maxT);
    else this.tombstones.set(ref, [minT, maxT]);
  }

  allTombstones(): ReadonlyMap<number, Intervals> {
    return this.tombstones;
  }

  /**
   * Series with data in [minT, maxT), with their chunks, in ref order. Chunks
   * never straddle a multiple of chunkRangeMs, so an aligned block range gets
   * whole chunks.
   */
  *seriesInRange(minT: number, maxT: number): Generator<SeriesChunks> {
    for (const s of this.allSeries()) {
      const chunks = s.chunks(minT, maxT - 1, this.arena);
      const ooo = s.ooo;
      let lo = 0;
      let hi = 0;
      if (ooo) {
        lo = ooo.lowerBound(minT);
        hi = ooo.lowerBound(maxT);
      }
      if (chunks.length === 0 && hi === lo) continue;
      yield {
        ref: s.ref,
        pairs: this.pairsOf(s),
        chunks,
        oooTs: ooo ? ooo.ts.slice(lo, hi) : new Float64Array(0),
        oooVs: ooo ? ooo.vs.slice(lo, hi) : new Float64Array(0),
        tombstones: this.tombstones.get(s.ref),
      };
    }
  }

  /**
   * Forgets everything before t (it has been persisted in a block): chunks
   * entirely before t, out-of-order samples before t, and then series left
   * without data. Later appends before t fail as out of bounds.
   */
  truncateBefore(t: number): { seriesRemoved: number; chunksRemoved: number } {
    if (t > this.minValidTime) this.minValidTime = t;
    let seriesRemoved = 0;
    let chunksRemoved = 0;
    for (const s of this.allSeries()) {
      chunksRemoved += s.truncateBefore(t, this.arena);
      if (s.isEmpty) {
        this.removeSeries(s);
        seriesRemoved++;
      }
    }
    this.chunksRemoved += chunksRemoved;
    if (this.labelIds.wasteful) this.labelIds.compact(this.allSeries());
    this.minT = Infinity;
    for (const s of this.allSeries()) if (s.minT < this.minT) this.minT = s.minT;
    if (this.liveSeries === 0) this.maxT = Math.max(this.maxT, t);
    return { seriesRemoved, chunksRemoved };
  }

  /** Drops a series with no data left (also used to garbage-collect rolled-back creations). */
  removeSeries(s: MemSeries): void {
    if (this.series[s.ref] === s) {
      this.series[s.ref] = undefined;
      this.liveSeries--;
    }
    this.index.remove(s.ref, this.labelIds.slice(s.idsOff, s.idsLen));
    this.labelIds.free(s.idsLen);
    this.tombstones.delete(s.ref);
    this.unlogged.delete(s.ref);
    const hash = hashLabelSetPairs(this.pairsOf(s));
    const hit = this.byHash.get(bucket(hash));
    if (hit === s) this.byHash.delete(bucket(hash));
    else if (Array.isArray(hit)) {
      const rest = hit.filter((x) => x !== s);
      this.byHash.set(bucket(hash), rest.length === 1 ? rest[0]! : rest);
    }
  }

  *allSeries(): Generator<MemSeries> {
    for (const s of this.series) if (s) yield s;
  }

  /** Chunks in the head (every chunk created and not yet truncated away). */
  get chunkCount(): number {
    return this.chunksCreated - this.chunksRemoved;
  }
}

/** The byHash key of a label-set hash; always a small integer (Smi). */
function bucket(hash: number): number {
  return (hash >>> 0) & 0x3fffffff;
}

function sameBits(a: number, b: number): boolean {
  const aHi = floatHi(a);
  const aLo = lastLo();
  return floatHi(b) === aHi && lastLo() === aLo;
}
