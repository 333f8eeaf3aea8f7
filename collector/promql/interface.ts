/**
 * The query seam: what the HTTP API, the ruler and the dashboard call. The
 * engine reads the store only through a Querier.
 */
import type { Labels } from '../tsdb/interface.js';
import type { Result } from '../result.js';

/** `t` in ms since epoch. */
export interface FloatPoint {
  readonly t: number;
  readonly v: number;
}

export type QueryValue =
  | { readonly type: 'vector'; readonly samples: readonly { readonly labels: Labels; readonly t: number; readonly v: number }[] }
  | { readonly type: 'matrix'; readonly series: readonly { readonly labels: Labels; readonly points: readonly FloatPoint[] }[] }
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string };

export interface QueryResult {
  readonly value: QueryValue;
  /** Prometheus' `warnings` and `infos` annotations. */
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

/** The closed set of failure kinds; the HTTP edge maps them to status codes. */
export type QueryErrorKind = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

export class QueryError extends Error {
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'QueryError';
  }
}

export interface QueryOptions {
  /** Lookback delta for instant vector selectors, ms (default 5m). */
  readonly lookbackDeltaMs?: number;
  readonly signal?: AbortSignal;
}

export interface QueryEngine {
  /** Evaluates `expr` at `t` (ms). */
  instantQuery(expr: string, t: number, options?: QueryOptions): Promise<Result<QueryResult, QueryError>>;
  /** Evaluates `expr` at start, start+step, … ≤ end (all ms). The value is always a matrix. */
  rangeQuery(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options?: QueryOptions,
  ): Promise<Result<QueryResult, QueryError>>;
}

export type QueryFn = (expr: string, at: number) => Promise<Result<QueryResult, QueryError>>;
