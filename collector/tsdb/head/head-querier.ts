/**
 * Reads the head over [minT, maxT]. Label names and values come from the
 * index; with matchers they come from the matching series only.
 */
import type { Labels, Matcher, Querier, Series } from '../interface.js';
import { compareStrings, labelsFromPairs } from '../labels/label-set.js';
import { compileMatchers } from '../labels/matcher.js';
import type { Head } from './head.js';
import type { MemSeries } from './mem-series.js';
import { HeadSeriesIterator } from './series-iterator.js';

class HeadSeries implements Series {
  private cached: Labels | undefined;
  private cachedPairs: readonly string[] | undefined;

  constructor(
    private readonly head: Head,
    private readonly s: MemSeries,
    private readonly minT: number,
    private readonly maxT: number,
  ) {}

  get pairs(): readonly string[] {
    return (this.cachedPairs ??= this.head.pairsOf(this.s));
  }

  get labels(): Labels {
    return (this.cached ??= labelsFromPairs(this.pairs));
  }

  samples(): HeadSeriesIterator {
    const { head, s, minT, maxT } = this;
    const ooo = s.ooo;
    const lo = ooo ? ooo.lowerBound(minT) : 0;
    const hi = ooo ? ooo.lowerBound(maxT + 1) : 0;
    return new HeadSeriesIterator(
      s.chunks(minT, maxT, head.arena),
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
      if (this.head.tombstonesOf(s.ref) && !new HeadSeries(this.head, s, this.minT, this.maxT).samples().next())
        continue;
      picked.push(s);
    }
    // On symbol ids: equal interned strings compare by id and no label string is copied.
    picked.sort((a, b) => this.head.compareSeries(a, b));
    return picked.map((s) => new HeadSeries(this.head, s, this.minT, this.maxT));
  }

  private overlapsHead(): boolean {
    return this.head.minT <= this.maxT && this.head.maxT >= this.minT;
  }

  labelValues(name: string, matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlapsHead() ? this.head.index.labelValues(name) : [];
    const values = new Set<string>();
    for (const s of this.select(matchers)) {
      const v = s.labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  labelNames(matchers?: readonly Matcher[]): readonly string[] {
    if (!matchers || matchers.length === 0) return this.overlapsHead() ? this.head.index.labelNames() : [];
    const names = new Set<string>();
    for (const s of this.select(matchers)) for (let i = 0; i < s.pairs.length; i += 2) names.add(s.pairs[i]!);
    return [...names].sort(compareStrings);
  }
}
