/**
 * The QueryEngine: parses, evaluates over the step grid, and shapes the
 * result as the Prometheus API returns it.
 */
import type { Queryable } from '../tsdb/interface.js';
import { err, ok, type Result } from '../result.js';
import { QueryError, type QueryEngine, type QueryOptions, type QueryResult, type QueryValue } from './interface.js';
import { typeOf, type Expr } from './parser/ast.js';
import { EvalError, type EvalContext } from './engine/context.js';
import { evaluate } from './engine/evaluator.js';
import { finalizeNames } from './engine/merge.js';
import { ParseCache } from './engine/parse-cache.js';
import { compareLabels, makeGrid, stepTime, type EvalValue, type StepGrid } from './engine/values.js';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample, ms (default 5 m). */
  readonly lookbackDeltaMs?: number;
  /** Most samples a query may hold at once (default 50 000 000, as Prometheus). */
  readonly maxSamples?: number;
  /** Per-query time budget, ms (default 2 min, as Prometheus). */
  readonly timeoutMs?: number;
  /** Allows Prometheus' experimental functions (limitk, sort_by_label, mad_over_time, …). */
  readonly enableExperimentalFunctions?: boolean;
  /** Step of a subquery written without one (`x[5m:]`), ms (default 1 m: the global evaluation interval). */
  readonly noStepSubqueryIntervalMs?: number;
  /** Current time in ms; tests pass a fake. */
  readonly clock?: () => number;
}

/**
 * @example
 * const engine = createEngine(store);
 * const r = await engine.instantQuery('sum(rate(http_requests_total[5m]))', Date.now());
 */
export function createEngine(queryable: Queryable, options: EngineOptions = {}): QueryEngine {
  const parses = new ParseCache({ enableExperimentalFunctions: options.enableExperimentalFunctions ?? false });
  const run = (
    text: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts: QueryOptions | undefined,
    isRange: boolean,
  ): Result<QueryResult, QueryError> => {
    const parsed = parses.parse(text);
    if (!parsed.ok) return parsed;
    const expr = parsed.value;
    if (isRange) {
      const t = typeOf(expr);
      if (t !== 'scalar' && t !== 'vector') {
        const name = t === 'matrix' ? 'range vector' : t;
        return err(
          new QueryError(
            'bad_data',
            `invalid expression type "${name}" for range query, must be Scalar or instant Vector`,
          ),
        );
      }
      if (!(stepMs > 0))
        return err(
          new QueryError(
            'bad_data',
            'zero or negative query resolution step widths are not accepted. Try a positive integer',
          ),
        );
      if (endMs < startMs) return err(new QueryError('bad_data', 'end timestamp must not be before start time'));
      // Prometheus' API limit; it also bounds the per-series arrays we allocate.
      if ((endMs - startMs) / stepMs > 11_000) {
        return err(
          new QueryError(
            'bad_data',
            'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
          ),
        );
      }
    }
    const clock = options.clock ?? Date.now;
    const ctx: EvalContext = {
      queryable,
      text,
      startMs,
      endMs,
      stepMs: isRange ? stepMs : 0,
      // As in Prometheus, a lookback of 0 (or less) means "the default".
      lookbackMs: positive(opts?.lookbackDeltaMs) ?? positive(options.lookbackDeltaMs) ?? 300_000,
      maxSamples: options.maxSamples ?? 50_000_000,
      noStepSubqueryIntervalMs: options.noStepSubqueryIntervalMs ?? 60_000,
      deadlineMs: clock() + (options.timeoutMs ?? 120_000),
      clock,
      signal: opts?.signal,
      isRangeQuery: isRange,
      warnings: new Set(),
      infos: new Set(),
      samplesLoaded: 0,
    };
    try {
      const grid = makeGrid(startMs, endMs, isRange ? stepMs : 1);
      const value = evaluate(ctx, expr, grid);
      const shaped = isRange ? toMatrix(value, grid) : toInstant(value, startMs, expr);
      return ok({ value: shaped, warnings: [...ctx.warnings], infos: [...ctx.infos] });
    } catch (e) {
      if (e instanceof EvalError) return err(new QueryError(e.kind, e.message));
      if (e instanceof RangeError) {
        // Typed arrays too large for memory end here rather than in a crash.
        return err(new QueryError('execution', `query processing ran out of memory: ${e.message}`, { cause: e }));
      }
      return err(
        new QueryError('internal', `evaluation failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }),
      );
    }
  };
  return {
    // Evaluation is synchronous today; the promise keeps the seam open for a remote store.
    instantQuery: (expr, t, opts) => Promise.resolve(run(expr, t, t, 0, opts, false)),
    rangeQuery: (expr, startMs, endMs, stepMs, opts) => Promise.resolve(run(expr, startMs, endMs, stepMs, opts, true)),
  };
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function toInstant(v: EvalValue, t: number, _expr: Expr): QueryValue {
  switch (v.type) {
    case 'scalar':
      return { type: 'scalar', t, v: v.vals[0] ?? NaN };
    case 'string':
      return { type: 'string', t, v: v.value };
    case 'vector':
      return {
        type: 'vector',
        samples: finalizeNames(v.series)
          .filter((s) => s.has[0] === 1)
          .map((s) => ({ labels: s.labels, t, v: s.vals[0] ?? NaN })),
      };
    case 'matrix': {
      const from = v.windows.fromMs[0] ?? 0;
      const to = v.windows.toMs[0] ?? 0;
      const series = v.series
        .map((s) => {
          const points: { t: number; v: number }[] = [];
          for (let k = 0; k < s.ts.length; k++) {
            const pt = s.ts[k] ?? 0;
            if (pt > from && pt <= to) points.push({ t: pt, v: s.vs[k] ?? NaN });
          }
          return { labels: s.labels, points };
        })
        .filter((s) => s.points.length > 0)
        .sort((a, b) => compareLabels(a.labels, b.labels));
      return { type: 'matrix', series };
    }
    default: {
      const never: never = v;
      return never;
    }
  }
}

function toMatrix(v: EvalValue, grid: StepGrid): QueryValue {
  if (v.type === 'scalar') {
    const points = Array.from({ length: grid.steps }, (_, i) => ({ t: stepTime(grid, i), v: v.vals[i] ?? NaN }));
    return { type: 'matrix', series: [{ labels: {}, points }] };
  }
  if (v.type !== 'vector') throw new EvalError('internal', `range query produced a ${v.type}`);
  const series = finalizeNames(v.series)
    .map((s) => {
      const points: { t: number; v: number }[] = [];
      for (let i = 0; i < grid.steps; i++)
        if (s.has[i] === 1) points.push({ t: stepTime(grid, i), v: s.vals[i] ?? NaN });
      return { labels: s.labels, points };
    })
    .filter((s) => s.points.length > 0)
    .sort((a, b) => compareLabels(a.labels, b.labels));
  return { type: 'matrix', series };
}
