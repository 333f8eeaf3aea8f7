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
});
