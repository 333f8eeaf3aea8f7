/** Evaluating a call's arguments to the type its signature promises. */
import type { Expr } from '../parser/ast.js';
import { EvalError, type EvalContext } from './context.js';
import { evaluate } from './evaluator.js';
import type { StepGrid, StepSeries } from './values.js';

type Vec = { type: 'vector'; series: StepSeries[] };

export function vectorOf(ctx: EvalContext, e: Expr, grid: StepGrid): Vec {
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'vector') throw new EvalError('internal', `expected an instant vector, got ${v.type}`);
  return v;
}

export function scalarArg(ctx: EvalContext, e: Expr | undefined, grid: StepGrid, fallback: number): Float64Array {
  if (e === undefined) return new Float64Array(grid.steps).fill(fallback);
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'scalar') throw new EvalError('internal', `expected a scalar, got ${v.type}`);
  return v.vals;
}

export function stringArg(ctx: EvalContext, e: Expr | undefined, grid: StepGrid): string {
  if (e === undefined) return '';
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'string') throw new EvalError('internal', `expected a string, got ${v.type}`);
  return v.value;
}
