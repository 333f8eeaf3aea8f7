/**
 * The recursive evaluator: every node is evaluated once over the whole
 * step grid (like Prometheus' rangeEval), so a range query of N steps costs
 * one pass per node, not N queries.
 */
import type { Expr, SubqueryExpr } from '../parser/ast.js';
import { durationMs } from '../parser/duration.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { checkDeadline, EvalError, type EvalContext } from './context.js';
import { evalCall } from './functions.js';
import { atMs, durationCtx, evalMatrixSelector, evalVectorSelector } from './selectors.js';
import {
  labelsKey,
  allocF64,
  makeGrid,
  newStepSeries,
  stepTime,
  type EvalValue,
  type MatrixWindows,
  type RangeSeries,
  type StepGrid,
} from './values.js';

export function evaluate(ctx: EvalContext, e: Expr, grid: StepGrid): EvalValue {
  checkDeadline(ctx);
  switch (e.kind) {
    case 'number':
      return { type: 'scalar', vals: new Float64Array(grid.steps).fill(e.value) };
    case 'string':
      return { type: 'string', value: e.value };
    case 'paren':
      return evaluate(ctx, e.expr, grid);
    case 'unary': {
      const v = evaluate(ctx, e.expr, grid);
      if (e.op === '+') return v;
      if (v.type === 'scalar') return { type: 'scalar', vals: v.vals.map((x) => -x) };
      if (v.type !== 'vector') throw new EvalError('internal', 'unary minus on a non-numeric value');
      for (const s of v.series) {
        for (let i = 0; i < s.vals.length; i++) s.vals[i] = -(s.vals[i] ?? 0);
        s.dropName = true;
      }
      return v;
    }
    case 'vectorSelector':
      return { type: 'vector', series: evalVectorSelector(ctx, e, grid) };
    case 'matrixSelector': {
      const m = evalMatrixSelector(ctx, e.vector, durationMs(e.range, durationCtx(ctx)), grid, e.mode);
      return { type: 'matrix', series: m.series, windows: m.windows };
    }
    case 'subquery': {
      const m = evalSubquery(ctx, e, grid);
      return { type: 'matrix', series: m.series, windows: m.windows };
    }
    case 'call':
      return evalCall(ctx, e, grid);
    case 'aggregate':
      return evalAggregate(ctx, e, grid);
    case 'binary':
      return evalBinary(ctx, e, grid);
    default: {
      const never: never = e;
      return never;
    }
  }
}

/**
 * Evaluates the inner expression on its own grid, aligned to multiples of
 * the subquery step as Prometheus aligns it, and exposes the points as a
 * range vector with one window per outer step.
 */
export function evalSubquery(
  ctx: EvalContext,
  e: SubqueryExpr,
  grid: StepGrid,
): { series: RangeSeries[]; windows: MatrixWindows } {
  const dctx = durationCtx(ctx);
  const off = e.offset === undefined ? 0 : durationMs(e.offset, dctx);
  const rangeMs = durationMs(e.range, dctx);
  const stepMs = e.step === undefined ? ctx.noStepSubqueryIntervalMs : durationMs(e.step, dctx);
  if (!(stepMs > 0)) throw new EvalError('bad_data', 'subquery step must be greater than 0');
  const at = atMs(ctx, e.at);
  const evalMs = new Float64Array(grid.steps);
  const toMs = new Float64Array(grid.steps);
  const fromMs = new Float64Array(grid.steps);
  let minRef = Infinity;
  let maxRef = -Infinity;
  for (let i = 0; i < grid.steps; i++) {
    evalMs[i] = stepTime(grid, i);
    const ref = (at ?? stepTime(grid, i)) - off;
    toMs[i] = ref;
    fromMs[i] = ref - rangeMs;
    minRef = Math.min(minRef, ref);
    maxRef = Math.max(maxRef, ref);
  }
  const windows = { fromMs, toMs, evalMs };
  if (grid.steps === 0) return { series: [], windows };
  if (e.aligned === true) return { series: alignedSubquery(ctx, e, toMs, rangeMs, stepMs, at !== undefined), windows };
  const lowest = minRef - rangeMs;
  let innerStart = stepMs * Math.trunc(lowest / stepMs);
  if (innerStart <= lowest) innerStart += stepMs;
  const innerGrid = makeGrid(innerStart, maxRef, stepMs);
  // Each inner series holds one point per inner step: refuse before allocating.
  if (innerGrid.steps > ctx.maxSamples) {
    throw new EvalError('execution', 'query processing would load too many samples into memory in subquery execution');
  }
  const inner = evaluate(ctx, e.expr, innerGrid);
  if (inner.type !== 'vector') throw new EvalError('internal', 'subquery of a non-vector');
  const series: RangeSeries[] = [];
  for (const s of inner.series) {
    let n = 0;
    for (let i = 0; i < s.has.length; i++) n += s.has[i] ?? 0;
    const ts = allocF64(n);
    const vs = allocF64(n);
    let k = 0;
    for (let i = 0; i < s.has.length; i++) {
      if (s.has[i] === 1) {
        ts[k] = stepTime(innerGrid, i);
        vs[k] = s.vals[i] ?? 0;
        k++;
      }
    }
    if (n > 0) series.push({ labels: s.labels, ts, vs, dropName: s.dropName });
  }
  return { series, windows };
}

/**
 * An aligned subquery (`[r::s]`): for each step the inner expression is
 * evaluated at ref, ref-s, ref-2s, … inside (ref-r, ref]. Each step's points
 * are kept apart (stepRanges) since neighbouring steps see different times.
 */
function alignedSubquery(
  ctx: EvalContext,
  e: SubqueryExpr,
  refs: Float64Array,
  rangeMs: number,
  stepMs: number,
  pinned: boolean,
): RangeSeries[] {
  const steps = refs.length;
  const back = Math.ceil(rangeMs / stepMs) - 1; // points strictly after ref - range
  if (back + 1 > ctx.maxSamples) {
    throw new EvalError('execution', 'query processing would load too many samples into memory in subquery execution');
  }
  const acc = new Map<
    string,
    { labels: RangeSeries['labels']; dropName: boolean; ts: number[]; vs: number[]; ranges: Int32Array }
  >();
  let previous: { key: string; ts: number[]; vs: number[] }[] | undefined;
  for (let i = 0; i < steps; i++) {
    const ref = refs[i] ?? 0;
    let points: { key: string; labels: RangeSeries['labels']; dropName: boolean; ts: number[]; vs: number[] }[];
    if (pinned && previous !== undefined) {
      points = previous.map((p) => ({
        ...p,
        labels: acc.get(p.key)?.labels ?? {},
        dropName: acc.get(p.key)?.dropName ?? false,
      }));
    } else {
      const innerGrid = makeGrid(ref - back * stepMs, ref, stepMs);
      const inner = evaluate(ctx, e.expr, innerGrid);
      if (inner.type !== 'vector') throw new EvalError('internal', 'subquery of a non-vector');
      points = inner.series.map((s) => {
        const ts: number[] = [];
        const vs: number[] = [];
        for (let k = 0; k < innerGrid.steps; k++) {
          if (s.has[k] === 1) {
            ts.push(stepTime(innerGrid, k));
            vs.push(s.vals[k] ?? 0);
          }
        }
        return {
          key: labelsKey(s.labels) + (s.dropName ? '\x00d' : ''),
          labels: s.labels,
          dropName: s.dropName,
          ts,
          vs,
        };
      });
      previous = points;
    }
    for (const p of points) {
      let a = acc.get(p.key);
      if (a === undefined) {
        a = { labels: p.labels, dropName: p.dropName, ts: [], vs: [], ranges: new Int32Array(2 * steps) };
        acc.set(p.key, a);
      }
      a.ranges[2 * i] = a.ts.length;
      for (let k = 0; k < p.ts.length; k++) {
        a.ts.push(p.ts[k] ?? 0);
        a.vs.push(p.vs[k] ?? 0);
      }
      a.ranges[2 * i + 1] = a.ts.length;
    }
  }
  return [...acc.values()].map((a) => ({
    labels: a.labels,
    dropName: a.dropName,
    ts: Float64Array.from(a.ts),
    vs: Float64Array.from(a.vs),
    stepRanges: a.ranges,
  }));
}

/** A scalar or vector value as per-step scalars (vector → its single element, else NaN). */
export function scalarsOf(ctx: EvalContext, e: Expr, grid: StepGrid): Float64Array {
  const v = evaluate(ctx, e, grid);
  if (v.type === 'scalar') return v.vals;
  throw new EvalError('internal', `expected a scalar, got ${v.type}`);
}

export { newStepSeries };
