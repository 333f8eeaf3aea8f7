/**
 * Reads the head over [minT, maxT]. Label names and values come from the
 * index; with matchers they come from the matching series only.
 */
import type { Labels, Matcher, Querier, Series } from '../interface.js';
import type { XorChunk } from '../chunkenc/xor-chunk.js';
import { distinctLabelNames, distinctLabelValues } from '../labels/label-set.js';
import { compileMatchers } from '../labels/matcher.js';
import type { Head } from './head.js';
import type { MemSeries } from './mem-series.js';
import { sortByLabels } from './label-order.js';
import { HeadSeriesIterator, type ChunkView } from './series-iterator.js';

/**
 * Copies of growing head chunks, packed into shared buffers: a chunk's own
 * buffer is reused by another series once it is cut, so a reader keeps a
 * copy, but one typed array per copy would cost more than the bytes.
 */
class HeadChunkCopies {
  private buf = new Uint8Array(0);
  private used = 0;

  copy(c: XorChunk, minT: number): ChunkView {
    const n = c.byteLength;
    if (this.used + n > this.buf.length) {
      this.buf = new Uint8Array(Math.max(COPY_BUFFER_BYTES, n));
      this.used = 0;
    }
    const dst = this.buf;
    const off = this.used;
    const src = c.buf;
    const base = c.base;
    for (let i = 0; i < n; i++) dst[off + i] = src[base + i]!;
    this.used += n;
    return { minT, maxT: c.lastT!, bytes: dst, offset: off, length: n };
  }
}

/** Small enough to stay cheap for a query that reads a few series. */
const COPY_BUFFER_BYTES = 16 * 1024;

class HeadSeries implements Series {
  private cached: Labels | undefined;
  private cachedPairs: readonly string[] | undefined;

  constructor(
    private readonly head: Head,
    private readonly s: MemSeries,
    private readonly minT: number,
    private readonly maxT: number,
    private readonly copies: HeadChunkCopies,
  ) {}

  get pairs(): readonly string[] {
    return (this.cachedPairs ??= this.head.pairsOf(this.s));
  }

  /** Built straight from the interned ids (keys come sorted), without a pairs array. */
  get labels(): Labels {
    if (this.cached !== undefined) return this.cached;
    const out: Record<string, string> = {};
    const ids = this.head.labelIds.ids;
    const symbols = this.head.symbols;
    const { idsOff, idsLen } = this.s;
    for (let i = 0; i < idsLen; i += 2) out[symbols.get(ids[idsOff + i]!)] = symbols.get(ids[idsOff + i + 1]!);
    return (this.cached = Object.freeze(out));
  }

  samples(): HeadSeriesIterator {
    const { head, s, minT, maxT } = this;
    const chunks: ChunkView[] = [];
    s.closedViews(minT, maxT, head.arena, chunks);
    const h = s.head;
    if (h && h.numSamples > 0 && h.lastT! >= minT && s.headMinT <= maxT) chunks.push(this.copies.copy(h, s.headMinT));
    const ooo = s.ooo;
    const lo = ooo ? ooo.lowerBound(minT) : 0;
    const hi = ooo ? ooo.lowerBound(maxT + 1) : 0;
    return new HeadSeriesIterator(
      chunks,
      ooo ? ooo.ts.slice(lo, hi) : EMPTY,
      ooo ? ooo.vs.slice(lo, hi) : EMPTY,
      minT,
      maxT,
      head.tombstonesOf(s.ref)?.slice(),
    );
  }
}

const EMPTY = new Float64Array(0);

export class HeadQuerier implements Querier {
  private readonly copies = new HeadChunkCopies();

  constructor(
    private readonly head: Head,
    readonly minT: number,
    readonly maxT: number,
  ) {}

  /**
   * Series matching all matchers with data in range, sorted by labels.
   * @throws MatcherError (a StoreError) when a regular expression is not valid RE2.
   */
  select(matchers: readonly Matcher[]): HeadSeries[] {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) throw compiled.error;
    const picked: MemSeries[] = [];
    for (const s of this.head.seriesRefs((idx) => idx.select(compiled.value))) {
      if (s.minT > this.maxT || s.maxT < this.minT) continue;
      if (
        this.head.tombstonesOf(s.ref) &&
        !new HeadSeries(this.head, s, this.minT, this.maxT, this.copies).samples().next()
      )
        continue;
      picked.push(s);
    }
    sortByLabels(this.head, picked);
    const out = new Array<HeadSeries>(picked.length);
    for (let i = 0; i < picked.length; i++) out[i] = new HeadSeries(this.head, picked[i]!, this.minT, this.maxT, this.copies);
    return out;
  }

  private overlapsHead(): boolean {
    return this.head.minT <= this.maxT && this.head.maxT >= this.minT;
  }

  labelValues(name: string, matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlapsHead() ? this.head.index.labelValues(name) : [];
    return distinctLabelValues(this.select(matchers), name);
  }

  labelNames(matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlapsHead() ? this.head.index.labelNames() : [];
    return distinctLabelNames(this.select(matchers));
  }
}
