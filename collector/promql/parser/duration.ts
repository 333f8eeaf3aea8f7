/**
 * Duration expressions (`[5m+30s]`, `[step()*2]`, `offset min_of(1h, range())`).
 * Prometheus computes them in float seconds, so `2m*15` is 1800 s; we keep
 * ms in the tree and do the arithmetic in seconds.
 */
import type { DurationExpr } from './ast.js';

export interface DurationContext {
  readonly stepMs: number;
  readonly rangeMs: number;
}

function secs(d: DurationExpr, ctx: DurationContext | undefined): number | undefined {
  switch (d.kind) {
    case 'ms':
      return d.ms / 1000;
    case 'step':
      return ctx === undefined ? undefined : ctx.stepMs / 1000;
    case 'range':
      return ctx === undefined ? undefined : ctx.rangeMs / 1000;
    case 'neg': {
      const v = secs(d.expr, ctx);
      return v === undefined ? undefined : -v;
    }
    case 'minOf':
    case 'maxOf': {
      const a = secs(d.lhs, ctx);
      const b = secs(d.rhs, ctx);
      if (a === undefined || b === undefined) return undefined;
      return d.kind === 'minOf' ? Math.min(a, b) : Math.max(a, b);
    }
    case 'op': {
      const a = secs(d.lhs, ctx);
      const b = secs(d.rhs, ctx);
      if (a === undefined || b === undefined) return undefined;
      switch (d.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '^':
          return a ** b;
        default: {
          const never: never = d.op;
          return never;
        }
      }
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}

/** Folds constant sub-expressions into a single `ms` node. */
export function foldDuration(d: DurationExpr): DurationExpr {
  const v = secs(d, undefined);
  return v === undefined ? d : { kind: 'ms', ms: Math.round(v * 1000) };
}

/** The duration in ms for this query; NaN when it divides by zero and the like. */
export function durationMs(d: DurationExpr, ctx: DurationContext): number {
  if (d.kind === 'ms') return d.ms;
  const v = secs(d, ctx);
  return v === undefined ? NaN : Math.round(v * 1000);
}

export function isConstantDuration(d: DurationExpr): boolean {
  return secs(d, undefined) !== undefined;
}
