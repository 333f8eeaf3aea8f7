/**
 * A small QueryEngine for testing the HTTP layer before (and independently of)
 * collector/promql: it evaluates number literals, string literals, instant
 * selectors (with lookback) and range selectors (`sel[5m]`) against a real
 * Queryable, and reports parse errors as bad_data. Anything else is an
 * execution error naming what it cannot do.
 */
import { parseSeriesSelector } from '../../collector/api/index.js';
import {
  QueryError,
  type FloatPoint,
  type QueryEngine,
  type QueryResult,
  type QueryValue,
} from '../../collector/promql/interface.js';
import { err, ok, type Result } from '../../collector/result.js';
import type { Labels, Queryable } from '../../collector/tsdb/interface.js';
import { parseDuration } from '../../collector/config/duration.js';

const DEFAULT_LOOKBACK_MS = 5 * 60_000;

function evaluate(queryable: Queryable, expr: string, t: number, lookbackMs: number): Result<QueryValue, QueryError> {
  const text = expr.trim();
  if (text === '') return err(new QueryError('bad_data', '1:1: parse error: no expression found in input'));
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|NaN)$/i.test(text)) {
    return ok({ type: 'scalar', t, v: Number(text.replace(/inf/i, 'Infinity')) });
  }
  if (/^"[^"\\]*"$/.test(text)) return ok({ type: 'string', t, v: text.slice(1, -1) });
  const range = /^(.*)\[(\w+)\]$/.exec(text);
  const selector = range ? (range[1] as string) : text;
  const matchers = parseSeriesSelector(selector);
  if (!matchers.ok) return err(new QueryError('bad_data', matchers.error));
  const rangeMs = range ? parseDuration(range[2] as string) : undefined;
  if (range && rangeMs === undefined) return err(new QueryError('bad_data', `bad duration ${range[2]}`));
  const minT = rangeMs !== undefined ? t - rangeMs : t - lookbackMs;
  const querier = queryable.querier(minT + 1, t);
  const series: { labels: Labels; points: FloatPoint[] }[] = [];
  for (const s of querier.select(matchers.value)) {
    const it = s.samples();
    const points: FloatPoint[] = [];
    if (it.seek(minT + 1)) {
      do {
        if (it.at().t > t) break;
        points.push(it.at());
      } while (it.next());
    }
    if (points.length > 0) series.push({ labels: s.labels, points });
  }
  if (rangeMs !== undefined) return ok({ type: 'matrix', series });
  return ok({
    type: 'vector',
    samples: series.map((s) => {
      const last = s.points[s.points.length - 1] as FloatPoint;
      return { labels: s.labels, t, v: last.v };
    }),
  });
}

export function createSelectorEngine(queryable: Queryable): QueryEngine {
  const result = (value: QueryValue): QueryResult => ({ value, warnings: [], infos: [] });
  return {
    instantQuery(expr, t, options) {
      const r = evaluate(queryable, expr, t, options?.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS);
      return Promise.resolve(r.ok ? ok(result(r.value)) : r);
    },
    rangeQuery(expr, start, end, step, options) {
      const bySeries = new Map<string, { labels: Labels; points: FloatPoint[] }>();
      for (let t = start; t <= end; t += step) {
        const r = evaluate(queryable, expr, t, options?.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS);
        if (!r.ok) return Promise.resolve(r);
        if (r.value.type === 'matrix') {
          return Promise.resolve(
            err(
              new QueryError(
                'bad_data',
                'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
              ),
            ),
          );
        }
        const samples =
          r.value.type === 'vector'
            ? r.value.samples
            : r.value.type === 'scalar'
              ? [{ labels: {}, t, v: r.value.v }]
              : [];
        for (const s of samples) {
          const key = JSON.stringify(Object.entries(s.labels).sort());
          let entry = bySeries.get(key);
          if (!entry) bySeries.set(key, (entry = { labels: s.labels, points: [] }));
          entry.points.push({ t, v: s.v });
        }
      }
      return Promise.resolve(ok(result({ type: 'matrix', series: [...bySeries.values()] })));
    },
  };
}
