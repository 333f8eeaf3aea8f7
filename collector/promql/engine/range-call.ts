/**
 * Calls with a range-vector argument: rate, *_over_time, absent_over_time
 * and the rest, computed per series and per step over each window, plus the
 * anchored/smoothed variants. absent() shares the label logic.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Call, Expr } from '../parser/ast.js';
import { durationMs } from '../parser/duration.js';
import { scalarArg } from './call-args.js';
import { annotate, EvalError, type EvalContext } from './context.js';
import { evalSubquery } from './evaluator.js';
import { extendedRate } from './extended-range.js';
import { formatG } from './number-format.js';
import { KEEPS_NAME, RANGE_FUNCTIONS, type Window } from './range-functions.js';
import { durationCtx, evalMatrixSelector } from './selectors.js';
import {
  newStepSeries,
  type EvalValue,
  type MatrixWindows,
  type RangeSeries,
  type StepGrid,
  type StepSeries,
} from './values.js';

/** Labels an absent() result gets: the equality matchers of a lone selector. */
export function absentLabels(arg: Expr | undefined): Labels {
  let e = arg;
  while (e !== undefined && e.kind === 'paren') e = e.expr;
  const vs = e?.kind === 'vectorSelector' ? e : e?.kind === 'matrixSelector' ? e.vector : undefined;
  if (vs === undefined) return {};
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of vs.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !seen.has(m.name)) {
      out[m.name] = m.value;
      seen.add(m.name);
    } else if (seen.has(m.name) || m.type === '=') {
      delete out[m.name];
    }
  }
  return out;
}

export function evalAbsent(_ctx: EvalContext, e: Call, grid: StepGrid, input: StepSeries[]): EvalValue {
  const out = newStepSeries(absentLabels(e.args[0]), grid.steps);
  for (let i = 0; i < grid.steps; i++) {
    if (!input.some((s) => s.has[i] === 1)) {
      out.vals[i] = 1;
      out.has[i] = 1;
    }
  }
  return { type: 'vector', series: out.has.some((h) => h === 1) ? [out] : [] };
}

function matrixArg(
  ctx: EvalContext,
  e: Expr,
  grid: StepGrid,
): { series: RangeSeries[]; windows: MatrixWindows; rangeMs: number } {
  let x = e;
  while (x.kind === 'paren') x = x.expr;
  if (x.kind === 'matrixSelector') {
    const rangeMs = durationMs(x.range, durationCtx(ctx));
    return { ...evalMatrixSelector(ctx, x.vector, rangeMs, grid, x.mode), rangeMs };
  }
  if (x.kind === 'subquery') return { ...evalSubquery(ctx, x, grid), rangeMs: durationMs(x.range, durationCtx(ctx)) };
  throw new EvalError('internal', 'range function without a range vector');
}

export function evalRangeCall(ctx: EvalContext, e: Call, grid: StepGrid): EvalValue {
  const mIdx = e.args.findIndex((a) => a.kind !== 'number' && a.kind !== 'string' && isMatrix(a));
  const scalarArgs = e.args.filter((_, i) => i !== mIdx).map((a) => scalarArg(ctx, a, grid, NaN));
  const m = matrixArg(ctx, e.args[mIdx] as Expr, grid);
  const p0 = scalarArgs[0] ?? new Float64Array(grid.steps);
  const p1 = scalarArgs[1] ?? new Float64Array(grid.steps);
  if (e.func === 'double_exponential_smoothing') {
    for (let i = 0; i < grid.steps; i++) {
      const sf = p0[i] ?? NaN;
      const tf = p1[i] ?? NaN;
      if (!(sf > 0 && sf < 1))
        throw new EvalError('execution', `invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
      if (!(tf > 0 && tf < 1))
        throw new EvalError('execution', `invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
    }
  }
  if (e.func === 'quantile_over_time') {
    for (let i = 0; i < grid.steps; i++) {
      const q = p0[i] ?? NaN;
      if (!(q >= 0 && q <= 1) && m.series.length > 0) {
        annotate(
          ctx,
          'warning',
          `quantile value should be between 0 and 1, got ${formatG(q)}`,
          (e.args[0] as Expr).pos,
        );
        break;
      }
    }
  }
  if (e.func === 'absent_over_time') return absentOverTime(e, m, grid);
  const mode = modeOf(e.args[mIdx] as Expr);
  if (mode !== undefined) return extendedRangeCall(ctx, e, mode, m, grid);
  const fn = RANGE_FUNCTIONS.get(e.func);
  if (fn === undefined) throw new EvalError('internal', `no range function ${e.func}`);
  const keepName = KEEPS_NAME.has(e.func);
  const out: StepSeries[] = [];
  const w: { -readonly [K in keyof Window]: Window[K] } = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    lo: 0,
    hi: 0,
    fromMs: 0,
    toMs: 0,
    evalMs: 0,
    rangeMs: m.rangeMs,
    p0: 0,
    p1: 0,
  };
  const { fromMs, toMs, evalMs } = m.windows;
  for (const s of m.series) {
    const r = newStepSeries(s.labels, grid.steps, keepName ? s.dropName : true);
    let lo = 0;
    let hi = 0;
    let any = false;
    const n = s.ts.length;
    w.ts = s.ts;
    w.vs = s.vs;
    for (let i = 0; i < grid.steps; i++) {
      const from = fromMs[i] ?? 0;
      const to = toMs[i] ?? 0;
      if (i > 0 && to < (toMs[i - 1] ?? 0)) {
        lo = 0;
        hi = 0;
      }
      const ranges = s.stepRanges;
      if (ranges !== undefined) {
        lo = ranges[2 * i] ?? 0;
        hi = ranges[2 * i + 1] ?? 0;
      } else {
        while (lo < n && (s.ts[lo] ?? 0) <= from) lo++;
        if (hi < lo) hi = lo;
        while (hi < n && (s.ts[hi] ?? 0) <= to) hi++;
      }
      if (hi === lo) continue;
      w.lo = lo;
      w.hi = hi;
      w.fromMs = from;
      w.toMs = to;
      w.evalMs = evalMs[i] ?? 0;
      w.p0 = p0[i] ?? 0;
      w.p1 = p1[i] ?? 0;
      const v = fn(w);
      if (v === undefined) continue;
      r.vals[i] = v;
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  if (e.func === 'rate' || e.func === 'increase') counterInfo(ctx, e, m.series);
  return { type: 'vector', series: out };
}

function counterInfo(ctx: EvalContext, e: Call, series: RangeSeries[]): void {
  for (const s of series) {
    const name = s.labels['__name__'];
    if (name === undefined) continue;
    if (!/(_total|_sum|_count|_bucket)$/.test(name)) {
      annotate(
        ctx,
        'info',
        `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "${name}"`,
        (e.args[0] as Expr).pos,
      );
    }
  }
}

function absentOverTime(e: Call, m: { series: RangeSeries[]; windows: MatrixWindows }, grid: StepGrid): EvalValue {
  const out = newStepSeries(absentLabels(e.args[0]), grid.steps);
  for (let i = 0; i < grid.steps; i++) {
    const from = m.windows.fromMs[i] ?? 0;
    const to = m.windows.toMs[i] ?? 0;
    const present = m.series.some((s) => {
      if (s.stepRanges !== undefined) return (s.stepRanges[2 * i + 1] ?? 0) > (s.stepRanges[2 * i] ?? 0);
      for (let k = 0; k < s.ts.length; k++) {
        const t = s.ts[k] ?? 0;
        if (t > from && t <= to) return true;
        if (t > to) break;
      }
      return false;
    });
    if (!present) {
      out.vals[i] = 1;
      out.has[i] = 1;
    }
  }
  return { type: 'vector', series: out.has.some((h) => h === 1) ? [out] : [] };
}

const ANCHORED_OK = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_OK = ['delta', 'increase', 'rate'];

function modeOf(e: Expr): 'anchored' | 'smoothed' | undefined {
  let x = e;
  while (x.kind === 'paren') x = x.expr;
  return x.kind === 'matrixSelector' ? x.mode : undefined;
}

/** rate/increase/delta/changes/resets over an anchored or smoothed range. */
function extendedRangeCall(
  ctx: EvalContext,
  e: Call,
  mode: 'anchored' | 'smoothed',
  m: { series: RangeSeries[]; windows: MatrixWindows; rangeMs: number },
  grid: StepGrid,
): EvalValue {
  const allowed = mode === 'anchored' ? ANCHORED_OK : SMOOTHED_OK;
  if (!allowed.includes(e.func))
    throw new EvalError(
      'bad_data',
      `${mode} modifier can only be used with: ${allowed.join(', ')} - not with ${e.func}`,
    );
  const smoothed = mode === 'smoothed';
  const lookback = ctx.lookbackMs;
  const out: StepSeries[] = [];
  const windowFn = RANGE_FUNCTIONS.get(e.func);
  for (const s of m.series) {
    const r = newStepSeries(s.labels, grid.steps, true);
    const n = s.ts.length;
    let any = false;
    for (let i = 0; i < grid.steps; i++) {
      const from = m.windows.fromMs[i] ?? 0;
      const to = m.windows.toMs[i] ?? 0;
      let lo = 0;
      while (lo < n && (s.ts[lo] ?? 0) <= from) lo++;
      let hi = lo;
      while (hi < n && (s.ts[hi] ?? 0) <= to) hi++;
      const inside = hi - lo;
      if (lo > 0 && (s.ts[lo - 1] ?? 0) > from - lookback) lo--;
      if (smoothed && hi < n && (s.ts[hi] ?? 0) <= to + lookback) hi++;
      let v: number | undefined;
      if (e.func === 'changes' || e.func === 'resets') {
        v =
          inside > 0 && windowFn !== undefined
            ? windowFn({
                ts: s.ts,
                vs: s.vs,
                lo,
                hi,
                fromMs: from,
                toMs: to,
                evalMs: 0,
                rangeMs: m.rangeMs,
                p0: 0,
                p1: 0,
              })
            : undefined;
      } else {
        v = extendedRate(s.ts, s.vs, lo, hi, from, to, m.rangeMs, smoothed, e.func !== 'delta', e.func === 'rate');
      }
      if (v === undefined) continue;
      r.vals[i] = v;
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: out };
}

function isMatrix(e: Expr): boolean {
  let x = e;
  while (x.kind === 'paren') x = x.expr;
  return x.kind === 'matrixSelector' || x.kind === 'subquery';
}
