/**
 * The Querier over one persisted block: postings narrow the series, chunk
 * metas in the index skip chunks outside [minT, maxT] or wholly deleted, and
 * samples are decoded lazily with the XOR iterator, minus tombstones.
 */
import { ENCODING_XOR, XorIterator } from '../chunkenc/index.js';
import type { Labels, Matcher, Querier, Sample, SampleIterator, Series } from '../interface.js';
import { distinctLabelNames, distinctLabelValues, labelsFromPairs, type LabelPairs } from '../labels/label-set.js';
import { compileMatchers, type CompiledMatcher } from '../labels/matcher.js';
import { intersect, subtract, unionAll } from '../labels/sorted-refs.js';
import type { ChunkReader } from './chunks-file.js';
import type { IndexChunkMeta } from './index-writer.js';
import type { IndexReader } from './index-reader.js';
import { coveredBy, inIntervals, type Interval, type Tombstones } from './tombstones.js';

export interface BlockData {
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  /** Replaced (not mutated) when deletions are recorded, so queriers see them from then on. */
  tombstones: Tombstones;
  readonly minTime: number;
  /** Exclusive. */
  readonly maxTime: number;
  /** Called when a chunk that passed the open-time check can no longer be read (file changed underneath). */
  readonly onReadError: (e: Error) => void;
}

/** Series refs matching every matcher, ascending; same semantics as the head's postings index. */
export function selectRefs(index: IndexReader, matchers: readonly CompiledMatcher[]): number[] {
  const include: number[][] = [];
  const exclude: number[][] = [];
  for (const m of matchers) {
    // A series without the label has the value "", so a matcher that accepts ""
    // keeps every series except those whose value it rejects.
    if (m.matchesEmpty) exclude.push(unionAll(index.postingsWhere(m.name, (v) => !m.matches(v))));
    else if (m.type === '=') include.push(index.postings(m.name, m.value).slice());
    else include.push(unionAll(index.postingsWhere(m.name, m.matches)));
  }
  include.sort((a, b) => a.length - b.length);
  let result = include.length === 0 ? index.allRefs.slice() : include[0]!;
  for (let i = 1; i < include.length && result.length > 0; i++) result = intersect(result, include[i]!);
  if (exclude.length > 0 && result.length > 0) result = subtract(result, unionAll(exclude));
  return result;
}

export class BlockSeries implements Series {
  private cached: Labels | undefined;

  constructor(
    private readonly data: BlockData,
    readonly ref: number,
    readonly pairs: LabelPairs,
    private readonly chunkMetas: readonly IndexChunkMeta[],
    private readonly deleted: readonly Interval[] | undefined,
    private readonly minT: number,
    private readonly maxT: number,
  ) {}

  get labels(): Labels {
    return (this.cached ??= labelsFromPairs(this.pairs));
  }

  samples(): BlockSeriesIterator {
    return new BlockSeriesIterator(this.data, this.chunkMetas, this.deleted, this.minT, this.maxT);
  }
}

export class BlockSeriesIterator implements SampleIterator {
  private idx = -1;
  private it: XorIterator | undefined;
  private done = false;
  private positioned = false;
  t = 0;
  v = 0;

  constructor(
    private readonly data: BlockData,
    private readonly chunkMetas: readonly IndexChunkMeta[],
    private readonly deleted: readonly Interval[] | undefined,
    private readonly minT: number,
    private readonly maxT: number,
  ) {}

  next(): boolean {
    if (this.done) return false;
    for (;;) {
      if (this.it?.next()) {
        const t = this.it.t;
        if (t < this.minT || (this.deleted && inIntervals(this.deleted, t))) continue;
        if (t > this.maxT) break;
        this.t = t;
        this.v = this.it.v;
        this.positioned = true;
        return true;
      }
      if (this.it?.err()) this.data.onReadError(this.it.err()!);
      if (!this.openNext()) break;
    }
    this.done = true;
    this.it = undefined;
    return false;
  }

  private openNext(): boolean {
    for (;;) {
      const meta = this.chunkMetas[++this.idx];
      if (!meta || meta.minT > this.maxT) return false;
      try {
        const raw = this.data.chunks.chunk(meta.ref);
        // Only float (XOR) chunks exist in what we and Prometheus 2.x write by default; native
        // histogram chunks are skipped rather than misread.
        if (raw.encoding !== ENCODING_XOR) continue;
        this.it = new XorIterator(raw.data);
        return true;
      } catch (e) {
        this.data.onReadError(e as Error);
        return false;
      }
    }
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.positioned && this.t >= t) return true;
    // Chunks that end before t need not be decoded at all.
    const cur = this.chunkMetas[this.idx];
    if (!cur || cur.maxT < t) {
      this.it = undefined;
      while (this.idx + 1 < this.chunkMetas.length && this.chunkMetas[this.idx + 1]!.maxT < t) this.idx++;
    }
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  at(): Sample {
    return { t: this.t, v: this.v };
  }
}

export class BlockQuerier implements Querier {
  constructor(
    private readonly data: BlockData,
    readonly minT: number,
    readonly maxT: number,
  ) {}

  private overlaps(): boolean {
    return this.data.minTime <= this.maxT && this.data.maxTime > this.minT;
  }

  /**
   * Series matching all matchers with samples in range, sorted by labels.
   * @throws MatcherError when a regular expression is not valid RE2 (as the head's querier does).
   */
  select(matchers: readonly Matcher[]): BlockSeries[] {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) throw compiled.error;
    if (!this.overlaps()) return [];
    const out: BlockSeries[] = [];
    for (const ref of selectRefs(this.data.index, compiled.value)) {
      const s = this.data.index.series(ref);
      const deleted = this.data.tombstones.get(ref);
      const chunks = s.chunks.filter(
        (c) => c.maxT >= this.minT && c.minT <= this.maxT && !(deleted && coveredBy(deleted, c.minT, c.maxT)),
      );
      if (chunks.length === 0) continue;
      const series = new BlockSeries(this.data, ref, s.pairs, chunks, deleted, this.minT, this.maxT);
      // Partly deleted chunks or chunks reaching past the range may hold nothing we can return.
      if (
        (deleted || chunks[0]!.minT < this.minT || chunks[chunks.length - 1]!.maxT > this.maxT) &&
        !series.samples().next()
      ) {
        continue;
      }
      out.push(series);
    }
    return out;
  }

  labelValues(name: string, matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlaps() ? this.data.index.labelValues(name) : [];
    return distinctLabelValues(this.select(matchers), name);
  }

  labelNames(matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlaps() ? this.data.index.labelNames() : [];
    return distinctLabelNames(this.select(matchers));
  }
}
