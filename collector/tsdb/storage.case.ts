/**
 * The behaviour every Appendable & Queryable must show (STYLE.md §6). Each
 * implementation's test file calls describeStorage with a way to open a fresh,
 * empty store.
 */
import { describe, expect, it } from 'vitest';
import { STALE_NAN, isStaleNaN } from './chunkenc/float-bits.js';
import type { Appendable, Labels, Matcher, Queryable, Sample } from './interface.js';
import { AppendError } from './interface.js';
import { eq, neq, nre, re } from './labels/matcher.js';

type Store = Appendable & Queryable;

function read(
  store: Store,
  matchers: Matcher[],
  minT = -1e15,
  maxT = 1e15,
): Array<{ labels: Labels; samples: Sample[] }> {
  return [...store.querier(minT, maxT).select(matchers)].map((s) => {
    const it = s.samples();
    const samples: Sample[] = [];
    while (it.next()) samples.push(it.at());
    return { labels: s.labels, samples };
  });
}

async function load(store: Store, rows: ReadonlyArray<readonly [Labels, number, number]>): Promise<void> {
  const app = store.appender();
  for (const [l, t, v] of rows) {
    const r = app.append(l, t, v);
    if (!r.ok) throw r.error;
  }
  const c = await app.commit();
  if (!c.ok) throw c.error;
}

export function describeStorage(name: string, open: () => Store | Promise<Store>): void {
  describe(name, () => {
    it('hides samples until commit', async () => {
      const store = await open();
      const app = store.appender();
      expect(app.append({ __name__: 'up' }, 1_000, 1).ok).toBe(true);
      const count = () => [...store.querier(0, 2_000).select([eq('__name__', 'up')])].length;
      expect(count()).toBe(0);
      expect((await app.commit()).ok).toBe(true);
      expect(count()).toBe(1);
    });

    it('discards a rolled-back batch', async () => {
      const store = await open();
      const app = store.appender();
      app.append({ __name__: 'up', job: 'a' }, 1_000, 1);
      app.rollback();
      expect(read(store, [eq('__name__', 'up')])).toEqual([]);
      await load(store, [[{ __name__: 'up', job: 'a' }, 1_000, 2]]);
      expect(read(store, [eq('job', 'a')])[0]!.samples).toEqual([{ t: 1_000, v: 2 }]);
    });

    it('accepts a first sample at t=0 in an empty store, and reads back every sample in order', async () => {
      const store = await open();
      const rows: Array<[Labels, number, number]> = [];
      for (let i = 0; i < 1000; i++) rows.push([{ __name__: 'm' }, i * 15_000, i % 7]);
      await load(store, rows);
      const [s] = read(store, [eq('__name__', 'm')]);
      expect(s!.samples.length).toBe(1000);
      expect(s!.samples[0]).toEqual({ t: 0, v: 0 });
      expect(s!.samples[999]).toEqual({ t: 999 * 15_000, v: 999 % 7 });
    });

    it('returns series sorted by labels and honours every matcher type', async () => {
      const store = await open();
      await load(store, [
        [{ __name__: 'up', job: 'web', env: 'prod' }, 1, 1],
        [{ __name__: 'up', job: 'api' }, 1, 1],
        [{ __name__: 'up', job: 'api', env: 'dev' }, 1, 1],
        [{ __name__: 'down', job: 'api' }, 1, 1],
      ]);
      const names = (ms: Matcher[]) => read(store, ms).map((s) => JSON.stringify(s.labels));
      expect(names([eq('__name__', 'up')])).toEqual([
        '{"__name__":"up","env":"dev","job":"api"}',
        '{"__name__":"up","env":"prod","job":"web"}',
        '{"__name__":"up","job":"api"}',
      ]);
      expect(names([eq('__name__', 'up'), eq('env', '')])).toEqual(['{"__name__":"up","job":"api"}']);
      expect(names([eq('__name__', 'up'), neq('env', 'prod')])).toHaveLength(2);
      expect(names([re('job', 'a.*'), nre('__name__', 'up')])).toEqual(['{"__name__":"down","job":"api"}']);
      expect(names([re('job', 'ap')])).toEqual([]);
      expect(() => read(store, [re('job', '(')])).toThrow(/missing closing \)/);
    });

    it('sees only samples with minT <= t <= maxT', async () => {
      const store = await open();
      await load(
        store,
        [1, 2, 3, 4, 5].map((t) => [{ __name__: 'x' }, t * 1000, t] as const),
      );
      expect(read(store, [eq('__name__', 'x')], 2000, 4000)[0]!.samples.map((s) => s.t)).toEqual([2000, 3000, 4000]);
      expect(read(store, [eq('__name__', 'x')], 6000, 9000)).toEqual([]);
    });

    it('treats a repeated sample as a no-op and a changed value at the same time as a duplicate', async () => {
      const store = await open();
      await load(store, [[{ __name__: 'd' }, 1000, 1]]);
      const app = store.appender();
      expect(app.append({ __name__: 'd' }, 1000, 1).ok).toBe(true);
      const dup = app.append({ __name__: 'd' }, 1000, 2);
      expect(dup.ok).toBe(false);
      if (!dup.ok) expect(dup.error.kind).toBe('duplicate');
      await app.commit();
      expect(read(store, [eq('__name__', 'd')])[0]!.samples).toEqual([{ t: 1000, v: 1 }]);
    });

    it('rejects out-of-order samples and ones too old for the head', async () => {
      const store = await open();
      await load(store, [[{ __name__: 'o' }, 10 * 3600_000, 1]]);
      const app = store.appender();
      const ooo = app.append({ __name__: 'o' }, 10 * 3600_000 - 1000, 2);
      expect(!ooo.ok && ooo.error).toBeInstanceOf(AppendError);
      expect(!ooo.ok && ooo.error.kind).toBe('out_of_order');
      const old = app.append({ __name__: 'other' }, 0, 2);
      expect(!old.ok && old.error.kind).toBe('out_of_bounds');
      expect(app.append({ __name__: 'o' }, 10 * 3600_000 + 1000, 3).ok).toBe(true);
      await app.commit();
      expect(read(store, [eq('__name__', 'o')])[0]!.samples.map((s) => s.v)).toEqual([1, 3]);
    });

    it('stores the stale marker bit for bit', async () => {
      const store = await open();
      const app = store.appender();
      app.append({ __name__: 's' }, 1000, 5);
      app.append({ __name__: 's' }, 2000, STALE_NAN);
      app.append({ __name__: 's' }, 3000, NaN);
      await app.commit();
      const it = [...store.querier(0, 5000).select([eq('__name__', 's')])][0]!.samples();
      expect(it.seek(2000)).toBe(true);
      expect(isStaleNaN(it.at().v)).toBe(true);
      expect(it.next()).toBe(true);
      expect(Number.isNaN(it.at().v) && !isStaleNaN(it.at().v)).toBe(true);
      expect(it.next()).toBe(false);
    });

    it('seeks forward only and reports exhaustion', async () => {
      const store = await open();
      await load(
        store,
        [0, 10, 20, 30].map((t) => [{ __name__: 'k' }, t, t] as const),
      );
      const it = [...store.querier(0, 100).select([eq('__name__', 'k')])][0]!.samples();
      expect(it.seek(15)).toBe(true);
      expect(it.at()).toEqual({ t: 20, v: 20 });
      expect(it.seek(5)).toBe(true);
      expect(it.at().t).toBe(20);
      expect(it.seek(31)).toBe(false);
      expect(it.next()).toBe(false);
    });

    it('lists label names and values, optionally filtered by matchers', async () => {
      const store = await open();
      await load(store, [
        [{ __name__: 'a', job: 'x', zone: 'z1' }, 1, 1],
        [{ __name__: 'b', job: 'y' }, 1, 1],
      ]);
      const q = store.querier(0, 10);
      expect(q.labelNames()).toEqual(['__name__', 'job', 'zone']);
      expect(q.labelValues('job')).toEqual(['x', 'y']);
      expect(q.labelValues('job', [eq('__name__', 'b')])).toEqual(['y']);
      expect(q.labelNames([eq('__name__', 'b')])).toEqual(['__name__', 'job']);
      expect(q.labelValues('nope')).toEqual([]);
    });
  });
}
