/**
 * A deliberately simple in-memory Appendable & Queryable for tests of code that
 * sits on the store seam (remote-write receiver, HTTP API) — not a stand-in for
 * collector/tsdb in integration tests. It enforces what the seam promises:
 * samples appear on commit, per-series appends must move forward in time.
 */
import { err, ok } from '../../collector/result.js';
import {
  AppendError,
  type Appendable,
  type Labels,
  type Matcher,
  type Queryable,
  type Sample,
  type SampleIterator,
  type Series,
} from '../../collector/tsdb/interface.js';

const keyOf = (l: Labels): string => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function matches(l: Labels, m: Matcher): boolean {
  const v = l[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

function iterator(samples: readonly Sample[]): SampleIterator {
  let i = -1;
  return {
    seek(t) {
      if (i < 0) i = 0;
      while (i < samples.length && (samples[i] as Sample).t < t) i++;
      return i < samples.length;
    },
    next() {
      i++;
      return i < samples.length;
    },
    at() {
      return samples[i] as Sample;
    },
  };
}

export interface MemoryStore extends Appendable, Queryable {
  readonly series: Map<string, { labels: Labels; samples: Sample[] }>;
}

export function createMemoryStore(options: { maxSeries?: number } = {}): MemoryStore {
  const series = new Map<string, { labels: Labels; samples: Sample[] }>();
  return {
    series,
    appender() {
      const pending: { key: string; labels: Labels; t: number; v: number }[] = [];
      const lastT = new Map<string, number>();
      return {
        append(labels, t, v) {
          const key = keyOf(labels);
          const known = series.get(key);
          const newSeries = new Set(pending.filter((p) => !series.has(p.key)).map((p) => p.key));
          if (
            !known &&
            !newSeries.has(key) &&
            options.maxSeries !== undefined &&
            series.size + newSeries.size >= options.maxSeries
          ) {
            return err(new AppendError('too_many_series', `limit of ${options.maxSeries} series reached`));
          }
          const last = lastT.get(key) ?? known?.samples.at(-1)?.t ?? -Infinity;
          if (t < last) return err(new AppendError('out_of_order', 'out of order sample'));
          if (t === last) return err(new AppendError('duplicate', 'duplicate sample for timestamp'));
          lastT.set(key, t);
          pending.push({ key, labels, t, v });
          return ok(undefined);
        },
        commit() {
          for (const p of pending) {
            let s = series.get(p.key);
            if (!s) series.set(p.key, (s = { labels: p.labels, samples: [] }));
            s.samples.push({ t: p.t, v: p.v });
          }
          return Promise.resolve(ok(undefined));
        },
        rollback() {
          pending.length = 0;
        },
      };
    },
    querier(minT, maxT) {
      const pick = (ms: readonly Matcher[]) =>
        [...series.values()]
          .filter((s) => ms.every((m) => matches(s.labels, m)))
          .map((s) => ({ labels: s.labels, samples: s.samples.filter((x) => x.t >= minT && x.t <= maxT) }))
          .filter((s) => s.samples.length > 0)
          .sort((a, b) => (keyOf(a.labels) < keyOf(b.labels) ? -1 : 1));
      return {
        select(ms): Iterable<Series> {
          return pick(ms).map((s) => ({ labels: s.labels, samples: () => iterator(s.samples) }));
        },
        labelValues(name, ms = []) {
          return [...new Set(pick(ms).flatMap((s) => (s.labels[name] ? [s.labels[name]] : [])))].sort();
        },
        labelNames(ms = []) {
          return [...new Set(pick(ms).flatMap((s) => Object.keys(s.labels)))].sort();
        },
      };
    },
  };
}
