/**
 * Per-query state: the store, the limits, the annotations collected so far,
 * and the query's own frame (for `@ start()`, `step()`, `range()`).
 */
import type { Queryable } from '../../tsdb/interface.js';
import type { QueryErrorKind } from '../interface.js';
import type { PosRange } from '../parser/ast.js';
import { lineCol } from '../parser/parse-error.js';

/** Thrown inside the evaluator and turned into a QueryError at the engine's edge. */
export class EvalError extends Error {
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface EvalContext {
  readonly queryable: Queryable;
  readonly text: string;
  /** The outer query's frame in ms; for an instant query start = end and step = 0. */
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly lookbackMs: number;
  readonly maxSamples: number;
  readonly noStepSubqueryIntervalMs: number;
  readonly deadlineMs: number;
  readonly clock: () => number;
  readonly signal: AbortSignal | undefined;
  readonly isRangeQuery: boolean;
  readonly warnings: Set<string>;
  readonly infos: Set<string>;
  /** Samples currently held by selectors (Prometheus counts the peak). */
  samplesLoaded: number;
}

export function annotate(ctx: EvalContext, kind: 'warning' | 'info', message: string, pos: PosRange): void {
  const { line, col } = lineCol(ctx.text, pos.start);
  const text = `PromQL ${kind}: ${message} (${line}:${col})`;
  (kind === 'warning' ? ctx.warnings : ctx.infos).add(text);
}

/** Called between units of work; throws when the query ran out of time or was cancelled. */
export function checkDeadline(ctx: EvalContext): void {
  if (ctx.signal?.aborted === true) throw new EvalError('canceled', 'query was canceled');
  if (ctx.clock() > ctx.deadlineMs) throw new EvalError('timeout', 'query timed out in expression evaluation');
}

export function addSamples(ctx: EvalContext, n: number): void {
  ctx.samplesLoaded += n;
  if (ctx.samplesLoaded > ctx.maxSamples) {
    throw new EvalError('execution', 'query processing would load too many samples into memory in query execution');
  }
}
