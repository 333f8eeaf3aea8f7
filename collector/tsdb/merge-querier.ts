/**
 * One Querier over several (blocks and the head): series with the same labels
 * are joined and their samples merged by time. When two sources hold a sample
 * at the same time (a crash between writing a block and checkpointing the
 * WAL can cause that) the first source's sample is kept.
 */
import type { Labels, Matcher, Querier, Sample, SampleIterator, Series } from './interface.js';
import { canonicalPairs, compareLabelPairs, compareStrings, type LabelPairs } from './labels/label-set.js';

function asArray(it: Iterable<Series>): readonly Series[] {
  return Array.isArray(it) ? (it as readonly Series[]) : [...it];
}

/** The stores' series carry their canonical pairs; any other Series is converted. */
function pairsOf(s: Series): LabelPairs {
  const p = (s as { pairs?: unknown }).pairs;
  return Array.isArray(p) ? (p as LabelPairs) : canonicalPairs(s.labels);
}

/** Our iterators expose the current sample as `t`/`v` fields; at() allocates. */
interface Cursor {
  readonly t: number;
  readonly v: number;
}

function cursorOf(it: SampleIterator): () => Cursor {
  const o = it as unknown as { t?: unknown; v?: unknown };
  if (typeof o.t === 'number' && typeof o.v === 'number') {
    const c = it as unknown as Cursor;
    return () => c;
  }
  return () => it.at();
}

class MergedIterator implements SampleIterator {
  private readonly ok: boolean[];
  private readonly cur: Array<() => Cursor>;
  private started = false;
  private done = false;
  t = 0;
  v = 0;

  constructor(private readonly its: SampleIterator[]) {
    this.ok = its.map(() => false);
    this.cur = its.map(cursorOf);
  }

  private pick(): boolean {
    let best = -1;
    let bestT = Infinity;
    for (let i = 0; i < this.its.length; i++) {
      if (!this.ok[i]) continue;
      const t = this.cur[i]!().t;
      if (t < bestT) {
        bestT = t;
        best = i;
      }
    }
    if (best < 0) {
      this.done = true;
      return false;
    }
    const s = this.cur[best]!();
    this.t = s.t;
    this.v = s.v;
    return true;
  }

  next(): boolean {
    if (this.done) return false;
    if (!this.started) {
      this.started = true;
      this.its.forEach((it, i) => (this.ok[i] = it.next()));
      return this.pick();
    }
    // Advance every source sitting at the current time (duplicates collapse).
    const now = this.t;
    for (let i = 0; i < this.its.length; i++) {
      if (this.ok[i] && this.cur[i]!().t === now) this.ok[i] = this.its[i]!.next();
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.started && this.t >= t) return true;
    this.started = true;
    this.its.forEach((it, i) => (this.ok[i] = it.seek(t)));
    return this.pick();
  }

  at(): Sample {
    return { t: this.t, v: this.v };
  }
}

class MergedSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[],
  ) {}

  samples(): SampleIterator {
    return new MergedIterator(this.parts.map((p) => p.samples()));
  }
}

export class MergeQuerier implements Querier {
  constructor(private readonly queriers: readonly Querier[]) {}

  /**
   * Each source's list is sorted by labels already, so they are merged
   * rather than concatenated and sorted: about one comparison per series
   * per source, and the stores' own label pairs are used where they have them.
   */
  select(matchers: readonly Matcher[]): Series[] {
    const lists = this.queriers.map((q) => asArray(q.select(matchers))).filter((l) => l.length > 0);
    if (lists.length === 0) return [];
    if (lists.length === 1) return [...lists[0]!];
    const keys = lists.map((l) => l.map(pairsOf));
    const pos = lists.map(() => 0);
    const out: Series[] = [];
    for (;;) {
      let least: LabelPairs | undefined;
      for (let i = 0; i < lists.length; i++) {
        if (pos[i]! >= lists[i]!.length) continue;
        const k = keys[i]![pos[i]!]!;
        if (least === undefined || compareLabelPairs(k, least) < 0) least = k;
      }
      if (least === undefined) break;
      // Every source's series with these labels, in source order (the first source wins ties).
      const same: Series[] = [];
      for (let i = 0; i < lists.length; i++) {
        const l = lists[i]!;
        const k = keys[i]!;
        while (pos[i]! < l.length && compareLabelPairs(k[pos[i]!]!, least) === 0) same.push(l[pos[i]!++]!);
      }
      out.push(same.length === 1 ? same[0]! : new MergedSeries(same[0]!.labels, same));
    }
    return out;
  }

  labelValues(name: string, matchers?: readonly Matcher[]): readonly string[] {
    return union(this.queriers.map((q) => q.labelValues(name, matchers)));
  }

  labelNames(matchers?: readonly Matcher[]): readonly string[] {
    return union(this.queriers.map((q) => q.labelNames(matchers)));
  }
}

function union(lists: ReadonlyArray<readonly string[]>): string[] {
  const set = new Set<string>();
  for (const l of lists) for (const s of l) set.add(s);
  return [...set].sort(compareStrings);
}
