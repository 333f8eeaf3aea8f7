/**
 * The runner's judgement, checked with a tiny store and a tiny engine that
 * only knows bare metric names (the last non-stale sample within 5m), a
 * failing expression and an annotated one. The real engine is judged by
 * conformance.test.ts; here the question is whether the runner compares,
 * skips and reports correctly.
 */
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../result.js';
import type { QueryEngine, QueryResult, QueryValue } from '../interface.js';
import { QueryError } from '../interface.js';
import type { Appendable, Labels, Queryable, Sample, Series } from '../../tsdb/interface.js';
import { STALE_NAN } from '../../tsdb/index.js';
import { parseScript } from './parse-script.js';
import { runScript, type EvalOutcome } from './run-script.js';

function memoryStore(): Appendable & Queryable {
  const data = new Map<string, { labels: Labels; samples: Sample[] }>();
  return {
    appender() {
      const pending: { labels: Labels; t: number; v: number }[] = [];
      return {
        append: (labels, t, v) => (pending.push({ labels, t, v }), ok(undefined)),
        commit: () => {
          for (const p of pending) {
            const key = JSON.stringify(Object.entries(p.labels).sort());
            const s = data.get(key) ?? { labels: p.labels, samples: [] };
            s.samples.push({ t: p.t, v: p.v });
            data.set(key, s);
          }
          return Promise.resolve(ok(undefined));
        },
        rollback: () => undefined,
      };
    },
    querier: (minT, maxT) => ({
      select: (matchers) =>
        [...data.values()]
          .filter((s) => matchers.every((m) => (s.labels[m.name] ?? '') === m.value))
          .map((s): Series => {
            const pts = s.samples.filter((x) => x.t >= minT && x.t <= maxT);
            let i = -1;
            return {
              labels: s.labels,
              samples: () => ({ next: () => ++i < pts.length, seek: () => false, at: () => pts[i] as Sample }),
            };
          }),
      labelValues: () => [],
      labelNames: () => [],
    }),
  };
}

const bits = (v: number): bigint | undefined => new BigUint64Array(new Float64Array([v]).buffer)[0];
const isStale = (v: number): boolean => bits(v) === bits(STALE_NAN);

/** Bare metric names only; `boom` fails, `noisy` warns, `bits` returns a scalar. */
function tinyEngine(q: Queryable): QueryEngine {
  const at = (name: string, t: number): { labels: Labels; v: number }[] =>
    [...q.querier(t - 300_000 + 1, t).select([{ type: '=', name: '__name__', value: name }])].flatMap((s) => {
      const it = s.samples();
      let last: Sample | undefined;
      while (it.next()) last = it.at();
      return last && !isStale(last.v) ? [{ labels: s.labels, v: last.v }] : [];
    });
  const instant = (pinnedExpr: string, t: number): QueryResult | QueryError => {
    // `@ <seconds>` pins the selector, as in the step-invariance re-runs.
    const pin = / @ (-?[\d.]+)$/.exec(pinnedExpr);
    const expr = pinnedExpr.replace(/ @ .*$/, '');
    if (expr === 'boom') return new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    if (expr === 'fancy') return new QueryError('bad_data', 'the fancy operator is not supported yet');
    if (expr === 'bits') return { value: { type: 'scalar', t, v: 42 }, warnings: [], infos: [] };
    const name = expr === 'noisy' ? 'up' : expr;
    const samples = at(name, pin ? Number(pin[1]) * 1000 : t).map((s) => ({ labels: s.labels, t, v: s.v }));
    return {
      value: { type: 'vector', samples },
      warnings: expr === 'noisy' ? ['PromQL warning: noisy (1:1)'] : [],
      infos: [],
    };
  };
  const rangeOf = (expr: string, start: number, end: number, step: number): Result<QueryResult, QueryError> => {
    const series = new Map<string, { labels: Labels; points: { t: number; v: number }[] }>();
    for (let t = start; t <= end; t += step) {
      const r = instant(expr, t);
      if (r instanceof QueryError) return err(r);
      const v: QueryValue = r.value;
      const samples = v.type === 'vector' ? v.samples : v.type === 'scalar' ? [{ labels: {}, t, v: v.v }] : [];
      for (const s of samples) {
        const key = JSON.stringify(Object.entries(s.labels).sort());
        const e = series.get(key) ?? { labels: s.labels, points: [] };
        e.points.push({ t, v: s.v });
        series.set(key, e);
      }
    }
    const sorted = [...series.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s);
    return ok({ value: { type: 'matrix', series: sorted }, warnings: [], infos: [] });
  };
  return {
    instantQuery: (expr, t) => {
      const r = instant(expr, t);
      return Promise.resolve(r instanceof QueryError ? err(r) : ok(r));
    },
    rangeQuery: (expr, start, end, step) => Promise.resolve(rangeOf(expr, start, end, step)),
  };
}

async function run(text: string, stepInvariance = true): Promise<EvalOutcome[]> {
  const script = parseScript('case.test', text);
  if (!script.ok) throw script.error;
  const r = await runScript(script.value, { newStore: memoryStore, newEngine: tinyEngine, stepInvariance });
  return [...r.outcomes];
}
const statuses = (os: readonly EvalOutcome[]): string[] => os.map((o) => `${o.line}:${o.status}`);

describe('runScript', () => {
  it('passes matching results and fails with a diff naming the line', async () => {
    const os = await run(`load 1m
  up{job="a"} 1 2 3
  up{job="b"} 5 _ 6

eval instant at 2m up
  up{job="b"} 6
  up{job="a"} 3

eval instant at 1m up
  up{job="a"} 2
  up{job="b"} 6
`);
    expect(statuses(os)).toEqual(['5:passed', '9:failed']);
    const f = os[1];
    expect(f?.status === 'failed' && f.reason).toBe('expected 6 for up{job="b"} but got 5');
    expect(f?.status === 'failed' && f.got).toEqual(['up{job="a"} 2', 'up{job="b"} 5']);
  });

  it('compares range results point by point, with gaps and staleness', async () => {
    const os = await run(`load 1m
  up 1 2 stale 4

eval range from 0 to 3m step 1m up
  up 1 2 _ 4

eval range from 0 to 3m step 1m up
  up 1 2 2 4
`);
    expect(statuses(os)).toEqual(['4:passed', '7:failed']);
    const f = os[1];
    expect(f?.status === 'failed' && f.reason).toBe('expected 4 float points for up{}, but got 3');
  });

  it('checks expected failures, their messages and unexpected errors', async () => {
    const os = await run(`eval instant at 0 boom
  expect fail msg: vector cannot contain metrics with the same labelset

eval instant at 0 boom
  expect fail regex: cannot contain (metrics|samples)

eval instant at 0 boom
  expect fail msg: something else

eval instant at 0 boom
  {} 1

eval instant at 0 up
  expect fail
`);
    expect(statuses(os)).toEqual(['1:passed', '4:passed', '7:failed', '10:failed', '13:failed']);
    expect(os[3]?.status === 'failed' && os[3].reason).toBe(
      'error evaluating query "boom": vector cannot contain metrics with the same labelset',
    );
  });

  it('checks annotations only when asked to', async () => {
    const os = await run(`load 1m
  up 1

eval instant at 0 noisy
  up 1

eval instant at 0 noisy
  expect warn msg: PromQL warning: noisy (1:1)
  up 1

eval instant at 0 noisy
  expect no_warn
  up 1

eval instant at 0 noisy
  expect warn regex: other
  up 1
`);
    expect(statuses(os)).toEqual(['4:passed', '7:passed', '11:failed', '15:failed']);
  });

  it('tells ordered from unordered results', async () => {
    const text = (order: string): string => `load 1m
  up{i="1"} 1
  up{i="2"} 2

eval instant at 0 up
  expect ordered
${order}
`;
    expect(statuses(await run(text('  up{i="1"} 1\n  up{i="2"} 2')))).toEqual(['5:passed']);
    expect(statuses(await run(text('  up{i="2"} 2\n  up{i="1"} 1')))).toEqual(['5:failed']);
  });

  it('starts from an empty store after clear', async () => {
    const os = await run(`load 1m
  up 1

clear

eval instant at 0 up
`);
    expect(statuses(os)).toEqual(['6:passed']);
  });

  it('compares scalars and catches a range-mode disagreement', async () => {
    expect(statuses(await run('eval instant at 1m bits\n  42\n'))).toEqual(['1:passed']);
    expect(statuses(await run('eval instant at 1m bits\n  41\n'))).toEqual(['1:failed']);
  });

  it('skips evals that read native histograms or start timestamps, and engine-unsupported ones', async () => {
    const os = await run(`load 1m
  hist {{count:1 sum:2}}x2
  plain 1 2 3
  c@st _ -30s
  c _ 1

eval instant at 1m hist
  {} {{count:1 sum:2}}

eval instant at 1m plain
  plain 2

eval instant at 1m {__name__=~"p.*|h.*"}
  plain 2

eval instant at 1m c
  c 1

eval instant at 0 fancy
  expect fail
`);
    expect(os.map((o) => `${o.line}:${o.status}${o.status === 'skipped' ? `:${o.reason.split(':')[0]}` : ''}`)).toEqual(
      [
        '7:skipped:native histograms',
        '10:passed',
        '13:skipped:native histograms',
        '16:skipped:start timestamps',
        '19:skipped:engine',
      ],
    );
  });

  it('skips the classic histogram base name after load_with_nhcb but runs the buckets', async () => {
    const os = await run(`load_with_nhcb 1m
  req_bucket{le="1"} 1
  req_bucket{le="+Inf"} 2

eval instant at 0 req_bucket
  req_bucket{le="1"} 1
  req_bucket{le="+Inf"} 2

eval instant at 0 req
`);
    expect(statuses(os)).toEqual(['5:passed', '9:skipped']);
  });
});
