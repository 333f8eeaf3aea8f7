import { describe, expect, it } from 'vitest';
import { openTsdb } from '../tsdb/index.js';
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
      series: [{ labels: { job: 'x' }, points: [0, 120_000, 240_000, 360_000].map((t, i) => ({ t, v: [2, 2, 2, 2][i] })) }],
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

  it('formats expressions canonically', () => {
    const p = parseExpr('sum(rate(x{a="b"}[5m] offset 1m)) by (job) > bool on(job) group_left(z) y');
    if (!p.ok) throw p.error;
    expect(formatExpr(p.value)).toBe('sum by (job) (rate(x{a="b"}[5m] offset 1m)) > bool on (job) group_left (z) y');
  });
});
