import { describe, expect, it } from 'vitest';
import { Head } from './head/head.js';
import { HeadAppender } from './head/head-appender.js';
import { HeadQuerier } from './head/head-querier.js';
import type { Labels, Sample } from './interface.js';
import { eq, re } from './labels/matcher.js';
import { MergeQuerier } from './merge-querier.js';

async function headWith(rows: ReadonlyArray<readonly [Labels, number, number]>): Promise<Head> {
  const head = new Head();
  const app = new HeadAppender(head, undefined);
  for (const [l, t, v] of rows) {
    const r = app.append(l, t, v);
    if (!r.ok) throw r.error;
  }
  await app.commit();
  return head;
}

describe('MergeQuerier', () => {
  it('joins series with equal labels, merges samples by time and keeps the first source on ties', async () => {
    const older = await headWith([
      [{ __name__: 'm', pod: 'a' }, 1, 1],
      [{ __name__: 'm', pod: 'a' }, 3, 3],
      [{ __name__: 'm', pod: 'c' }, 1, 1],
    ]);
    const newer = await headWith([
      [{ __name__: 'm', pod: 'a' }, 2, 20],
      [{ __name__: 'm', pod: 'a' }, 3, 30],
      [{ __name__: 'm', pod: 'a' }, 4, 40],
      [{ __name__: 'm', pod: 'b' }, 1, 1],
    ]);
    const q = new MergeQuerier([new HeadQuerier(older, 0, 10), new HeadQuerier(newer, 0, 10)]);
    const series = q.select([eq('__name__', 'm')]);
    expect(series.map((s) => s.labels.pod)).toEqual(['a', 'b', 'c']);
    const it = series[0]!.samples();
    const got: Sample[] = [];
    while (it.next()) got.push(it.at());
    expect(got).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 20 },
      { t: 3, v: 3 },
      { t: 4, v: 40 },
    ]);
    const seeking = series[0]!.samples();
    expect(seeking.seek(3)).toBe(true);
    expect(seeking.at()).toEqual({ t: 3, v: 3 });
    expect(seeking.seek(2)).toBe(true);
    expect(seeking.at().t).toBe(3);
    expect(seeking.next() && seeking.at().t).toBe(4);
    expect(seeking.next()).toBe(false);
    expect(q.labelValues('pod')).toEqual(['a', 'b', 'c']);
    expect(q.labelValues('pod', [re('pod', '[ab]')])).toEqual(['a', 'b']);
    expect(q.labelNames()).toEqual(['__name__', 'pod']);
  });

  it('merges three sorted sources in label order (UTF-8), including series without store pairs', async () => {
    const values = ['a', 'b\u{1F600}', 'b\uFF61', 'c', 'Z', 'm1', 'm10', 'm2'];
    const heads = await Promise.all(
      [0, 1, 2].map((k) =>
        headWith(
          values
            .filter((_, i) => (i + k) % 3 !== 0)
            .map((v, i) => [{ __name__: 'm', pod: v, ...(i % 2 === 0 ? { zone: 'z' } : {}) }, k + 1, k] as const),
        ),
      ),
    );
    const queriers = heads.map((h) => new HeadQuerier(h, 0, 10));
    // A Series with labels only (no pairs) goes through the same merge.
    const plain = {
      select: (m: Parameters<HeadQuerier['select']>[0]) =>
        queriers[2]!.select(m).map((s) => ({ labels: { ...s.labels }, samples: () => s.samples() })),
      labelValues: () => [],
      labelNames: () => [],
    };
    const q = new MergeQuerier([queriers[0]!, queriers[1]!, plain]);
    const got = q.select([eq('__name__', 'm')]);
    const keys = got.map((s) => JSON.stringify(s.labels));
    // Expected: the union of label sets, each once, in Prometheus' byte order.
    const all = new Map<string, Labels>();
    const sources = new Map<string, number>();
    for (const h of queriers) {
      for (const s of h.select([eq('__name__', 'm')])) {
        const k = JSON.stringify(s.labels);
        all.set(k, s.labels);
        sources.set(k, (sources.get(k) ?? 0) + 1);
      }
    }
    // Prometheus' labels.Compare: pair by pair, strings by UTF-8 bytes, then the shorter set first.
    const cmp = (a: Labels, b: Labels): number => {
      const x = Object.entries(a).flat();
      const y = Object.entries(b).flat();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = Buffer.compare(Buffer.from(x[i]!, 'utf8'), Buffer.from(y[i]!, 'utf8'));
        if (c !== 0) return c;
      }
      return x.length - y.length;
    };
    const want = [...all.values()].sort(cmp).map((l) => JSON.stringify(l));
    expect(keys).toEqual(want);
    expect(new Set(keys).size).toBe(keys.length);
    // A series present in several sources reads every source's sample (each wrote at its own time).
    expect([...sources.values()].some((n) => n > 1)).toBe(true);
    for (const series of got) {
      const it = series.samples();
      let n = 0;
      while (it.next()) n++;
      expect(n).toBe(sources.get(JSON.stringify(series.labels)));
    }
  });
});
