/** What a rule asks of the engine: an instant vector at a time, or an error naming why not. */
import type { QueryEngine } from '../promql/index.js';
import type { Labels } from '../tsdb/index.js';

export interface VectorSample {
  readonly labels: Labels;
  readonly value: number;
}

export type RuleQueryFn = (expr: string, t: number) => Promise<{ ok: true; value: VectorSample[] } | { ok: false; error: string }>;

/** Instant queries through the engine; a scalar result becomes one sample without labels, as Prometheus does. */
export function engineQueryFn(engine: QueryEngine): RuleQueryFn {
  return async (expr, t) => {
    const r = await engine.instantQuery(expr, t);
    if (!r.ok) return { ok: false, error: r.error.message };
    const v = r.value.value;
    switch (v.type) {
      case 'vector':
        return { ok: true, value: v.samples.map((s) => ({ labels: s.labels, value: s.v })) };
      case 'scalar':
        return { ok: true, value: [{ labels: {}, value: v.v }] };
      case 'matrix':
      case 'string':
        return { ok: false, error: `rule result is not a vector or scalar: ${v.type}` };
    }
  };
}
