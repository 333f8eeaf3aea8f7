/**
 * The harness must be able to fail: the real engine, wrapped so that its
 * answers are slightly wrong in one way each, has to lose most of the cases
 * it otherwise passes. A runner that compared too loosely would let these
 * through.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../../result.js';
import type { QueryEngine, QueryResult, QueryValue } from '../interface.js';
import type { Queryable } from '../../tsdb/interface.js';
import { promqltestHarness } from './harness.js';
import { runPromqlTests } from './report.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const files = ['aggregators.test', 'operators.test'].map((f) =>
  path.resolve(repoRoot, '../shared/conformance/promql', f),
);

function mutated(mutate: (v: QueryValue) => QueryValue): (q: Queryable) => QueryEngine {
  const base = promqltestHarness().newEngine;
  const wrap = (r: QueryResult): QueryResult => ({ ...r, value: mutate(r.value) });
  return (q) => {
    const e = base(q);
    return {
      instantQuery: async (...a) => {
        const r = await e.instantQuery(...a);
        return r.ok ? ok(wrap(r.value)) : r;
      },
      rangeQuery: async (...a) => {
        const r = await e.rangeQuery(...a);
        return r.ok ? ok(wrap(r.value)) : r;
      },
    };
  };
}

const nudge = (x: number): number => x * (1 + 1e-5) + 1e-9;
const MUTATIONS: Record<string, (v: QueryValue) => QueryValue> = {
  'values off by 1e-5 relative': (v) =>
    v.type === 'vector'
      ? { ...v, samples: v.samples.map((s) => ({ ...s, v: nudge(s.v) })) }
      : v.type === 'matrix'
        ? { ...v, series: v.series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, v: nudge(p.v) })) })) }
        : v.type === 'scalar'
          ? { ...v, v: nudge(v.v) }
          : v,
  'an extra label on every series': (v) =>
    v.type === 'vector'
      ? { ...v, samples: v.samples.map((s) => ({ ...s, labels: { ...s.labels, extra: 'x' } })) }
      : v.type === 'matrix'
        ? { ...v, series: v.series.map((s) => ({ ...s, labels: { ...s.labels, extra: 'x' } })) }
        : v,
  'the last series dropped': (v) =>
    v.type === 'vector'
      ? { ...v, samples: v.samples.slice(0, -1) }
      : v.type === 'matrix'
        ? { ...v, series: v.series.slice(0, -1) }
        : v,
};

describe('the runner fails a wrong engine', () => {
  let honestPassed = 0;
  beforeAll(async () => {
    honestPassed = (await runPromqlTests(files, promqltestHarness())).totals.passed;
  });

  it('passes these scripts with the real engine (the reference point)', () => {
    expect(honestPassed).toBeGreaterThan(100);
  });

  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    it(`fails most cases when ${name}`, async () => {
      const r = await runPromqlTests(files, { ...promqltestHarness(), newEngine: mutated(mutate) });
      // Cases with empty expected results (or only errors) survive any of these mutations.
      expect(r.totals.passed).toBeLessThan(honestPassed * 0.3);
    });
  }
});
