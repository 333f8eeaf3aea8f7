import { describe, expect, it } from 'vitest';
import { openTsdb, STALE_NAN } from '../tsdb/index.js';
import type { Labels } from '../tsdb/interface.js';
import { createEngine } from './engine.js';
import { formatExpr } from './parser/format.js';
import { parseExpr } from './parser/parse.js';

async function storeWith(series: [Labels, number[]][], stepMs: number) {
  const r = await openTsdb({});
  if (!r.ok) throw r.error;
  const app = r.value.appender();
  for (const [labels, vals] of series) vals.forEach((v, i) => app.append(labels, i * stepMs, v));
  const c = await app.commit();
  if (!c.ok) throw c.error;
  return r.value;
}

describe('createEngine', () => {
  it('computes rate with Prometheus extrapolation and an info for non-counters', async () => {
    const store = await storeWith(
      [
        [{ __name__: 'req_total', pod: 'a' }, Array.from({ length: 21 }, (_, i) => i * 15)],
        [{ __name__: 'req', pod: 'a' }, Array.from({ length: 21 }, (_, i) => i * 15)],
      ],
      30_000,
    );
    const engine = createEngine(store);
    const r = await engine.instantQuery('rate(req_total[5m])', 600_000);
    expect(r.ok && r.value.value).toEqual({ type: 'vector', samples: [{ labels: { pod: 'a' }, t: 600_000, v: 0.5 }] });
    const info = await engine.instantQuery('rate(req[5m])', 600_000);
    expect(info.ok && info.value.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "req" (1:6)',
    ]);
  });

  it('evaluates range queries step by step with lookback', async () => {
    const store = await storeWith([[{ __name__: 'up', job: 'x' }, [1, 0, 1]]], 60_000);
    const r = await createEngine(store).rangeQuery('up * 2', 0, 600_000, 120_000);
    if (!r.ok) throw r.error;
    expect(r.value.value).toEqual({
      type: 'matrix',
      series: [
        { labels: { job: 'x' }, points: [0, 120_000, 240_000, 360_000].map((t, i) => ({ t, v: [2, 2, 2, 2][i] })) },
      ],
    });
  });

  it('rejects ambiguous one-to-one matching', async () => {
    const store = await storeWith(
      [
        [{ __name__: 'a', x: '1', y: '1' }, [1]],
        [{ __name__: 'a', x: '1', y: '2' }, [1]],
        [{ __name__: 'b', x: '1' }, [1]],
      ],
      60_000,
    );
    const r = await createEngine(store).instantQuery('b + on(x) a', 0);
    expect(!r.ok && r.error.message).toBe(
      'found duplicate series for the match group {x="1"} on the right hand-side of the operation: [{__name__="a", x="1", y="1"}, {__name__="a", x="1", y="2"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
  });

  it('enforces the sample limit', async () => {
    const store = await storeWith([[{ __name__: 'm' }, Array.from({ length: 100 }, (_, i) => i)]], 1000);
    const r = await createEngine(store, { maxSamples: 10 }).instantQuery('sum_over_time(m[100s])', 99_000);
    expect(!r.ok && r.error.kind).toBe('execution');
  });

  it('aligns [r::s] subqueries to each evaluation time', async () => {
    const store = await storeWith([[{ __name__: 'c' }, Array.from({ length: 101 }, (_, i) => i)]], 10_000);
    const r = await createEngine(store, { enableExperimentalFunctions: true }).rangeQuery(
      'sum_over_time(c[30s::20s])',
      50_000,
      80_000,
      10_000,
    );
    if (!r.ok) throw r.error;
    // At 50s the points are 50s and 30s (5 + 3), at 60s 60s and 40s, …
    expect(r.value.value.type === 'matrix' && r.value.value.series[0]?.points.map((p) => p.v)).toEqual([8, 10, 12, 14]);
  });

  it('refuses resolutions and subqueries that would not fit in memory', async () => {
    const store = await storeWith([[{ __name__: 'm' }, [1]]], 1000);
    const engine = createEngine(store, { maxSamples: 1000 });
    const wide = await engine.rangeQuery('m', 0, 12_000_000, 1000);
    expect(!wide.ok && wide.error.kind).toBe('bad_data');
    const deep = await engine.instantQuery('max_over_time(m[1d:1s])', 0);
    expect(!deep.ok && deep.error.message).toBe(
      'query processing would load too many samples into memory in subquery execution',
    );
  });

  it('formats expressions canonically', () => {
    const p = parseExpr('sum(rate(x{a="b"}[5m] offset 1m)) by (job) > bool on(job) group_left(z) y');
    if (!p.ok) throw p.error;
    expect(formatExpr(p.value)).toBe('sum by (job) (rate(x{a="b"}[5m] offset 1m)) > bool on (job) group_left (z) y');
  });

  it('reports a timeout and a cancellation as their own error kinds', async () => {
    const store = await storeWith([[{ __name__: 'm' }, [1, 2, 3]]], 1000);
    let now = 0;
    const slowClock = (): number => (now += 10_000); // every look at the clock costs 10 s
    const timedOut = await createEngine(store, { timeoutMs: 5_000, clock: slowClock }).instantQuery('sum(m)', 2_000);
    expect(!timedOut.ok && timedOut.error.kind).toBe('timeout');
    const ctl = new AbortController();
    ctl.abort();
    const canceled = await createEngine(store).instantQuery('m', 2_000, { signal: ctl.signal });
    expect(!canceled.ok && canceled.error.kind).toBe('canceled');
  });

  it('ends a series at a staleness marker and honours offset and @', async () => {
    // Appended on its own: a NaN stored in a plain JS array loses its payload.
    const store = await storeWith([[{ __name__: 'g' }, [1, 2]]], 60_000);
    const app = store.appender();
    app.append({ __name__: 'g' }, 120_000, STALE_NAN);
    app.append({ __name__: 'g' }, 180_000, 4);
    await app.commit();
    const engine = createEngine(store);
    const at = async (q: string, t: number): Promise<unknown> => {
      const r = await engine.instantQuery(q, t);
      if (!r.ok) throw r.error;
      return r.value.value.type === 'vector' ? r.value.value.samples.map((x) => x.v) : r.value.value;
    };
    expect(await at('g', 150_000)).toEqual([]); // stale at 2m, nothing newer until 3m
    expect(await at('g', 90_000)).toEqual([2]);
    expect(await at('g offset 1m', 210_000)).toEqual([]);
    expect(await at('g @ 60', 0)).toEqual([2]);
    expect(await at('count_over_time(g[5m])', 240_000)).toEqual([3]); // the marker is not a sample
  });

  it('sums with compensation and aligns subqueries to their step', async () => {
    const store = await storeWith(
      [
        [{ __name__: 'k', i: '1' }, [1e100]],
        [{ __name__: 'k', i: '2' }, [1]],
        [{ __name__: 'k', i: '3' }, [-1e100]],
        [{ __name__: 'c' }, Array.from({ length: 101 }, (_, i) => i)],
      ],
      10_000,
    );
    const engine = createEngine(store);
    const sum = await engine.instantQuery('sum(k)', 0);
    expect(sum.ok && sum.value.value).toEqual({ type: 'vector', samples: [{ labels: {}, t: 0, v: 1 }] });
    // Points at 980s, 990s, 1000s: 98 + 99 + 100.
    const sub = await engine.instantQuery('sum_over_time(c[30s:10s])', 1_000_000);
    expect(sub.ok && sub.value.value).toEqual({ type: 'vector', samples: [{ labels: {}, t: 1_000_000, v: 297 }] });
  });

  it('rejects non-numeric expressions in range queries and keeps names until the end', async () => {
    const store = await storeWith([[{ __name__: 'x_total', a: '1' }, [1, 2, 3]]], 60_000);
    const engine = createEngine(store);
    const bad = await engine.rangeQuery('x_total[5m]', 0, 60_000, 60_000);
    expect(!bad.ok && bad.error.message).toBe(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
    const renamed = await engine.instantQuery(
      'label_replace(rate(x_total[5m]), "__name__", "r_$1", "__name__", "(.+)")',
      120_000,
    );
    expect(renamed.ok && renamed.value.value.type === 'vector' && renamed.value.value.samples[0]?.labels).toEqual({
      __name__: 'r_x_total',
      a: '1',
    });
  });
});
