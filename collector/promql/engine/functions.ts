/**
 * Function calls: range-vector functions go through RANGE_FUNCTIONS over
 * each step's window; the rest work on instant vectors or scalars step by
 * step. Names and edge cases follow Prometheus' functions.go.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Call, Expr } from '../parser/ast.js';
import { annotate, EvalError, type EvalContext } from './context.js';
import { evaluate, evalSubquery } from './evaluator.js';
import { histogramFraction, histogramQuantile, histogramQuantiles } from './histogram-quantile.js';
import { evalInfo } from './info.js';
import { evalLabelJoin, evalLabelReplace } from './label-functions.js';
import { extendedRate } from './extended-range.js';
import { KEEPS_NAME, RANGE_FUNCTIONS, type Window } from './range-functions.js';
import { durationCtx, evalMatrixSelector } from './selectors.js';
import { durationMs } from '../parser/duration.js';
import { sortSeriesFunction } from './sort-functions.js';
import {
  newStepSeries,
  stepTime,
  type EvalValue,
  type MatrixWindows,
  type RangeSeries,
  type StepGrid,
  type StepSeries,
} from './values.js';

type Vec = { type: 'vector'; series: StepSeries[] };

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
};

const DATE: Readonly<Record<string, (d: Date) => number>> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) =>
    Math.floor(
      (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000,
    ) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

function vectorOf(ctx: EvalContext, e: Expr, grid: StepGrid): Vec {
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'vector') throw new EvalError('internal', `expected an instant vector, got ${v.type}`);
  return v;
}

function scalarArg(ctx: EvalContext, e: Expr | undefined, grid: StepGrid, fallback: number): Float64Array {
  if (e === undefined) return new Float64Array(grid.steps).fill(fallback);
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'scalar') throw new EvalError('internal', `expected a scalar, got ${v.type}`);
  return v.vals;
}

function stringArg(ctx: EvalContext, e: Expr | undefined, grid: StepGrid): string {
  if (e === undefined) return '';
  const v = evaluate(ctx, e, grid);
  if (v.type !== 'string') throw new EvalError('internal', `expected a string, got ${v.type}`);
  return v.value;
}

/** Applies f to every present value; the result drops the metric name. */
function mapValues(v: Vec, f: (x: number, i: number) => number): Vec {
  for (const s of v.series) {
    for (let i = 0; i < s.vals.length; i++) if (s.has[i] === 1) s.vals[i] = f(s.vals[i] ?? 0, i);
    s.dropName = true;
    delete s.ts;
  }
  return v;
}

function scalarValue(vals: Float64Array): EvalValue {
  return { type: 'scalar', vals };
}

export function evalCall(ctx: EvalContext, e: Call, grid: StepGrid): EvalValue {
  const name = e.func;
  const args = e.args;
  const rangeFn = RANGE_FUNCTIONS.get(name);
  if (rangeFn !== undefined || name === 'absent_over_time') return evalRangeCall(ctx, e, grid);
  const math = MATH[name];
  if (math !== undefined) return mapValues(vectorOf(ctx, args[0] as Expr, grid), math);
  const date = DATE[name];
  if (date !== undefined) {
    if (args[0] === undefined) {
      const out = newStepSeries({}, grid.steps);
      for (let i = 0; i < grid.steps; i++) {
        out.vals[i] = date(new Date(stepTime(grid, i)));
        out.has[i] = 1;
      }
      return { type: 'vector', series: [out] };
    }
    return mapValues(vectorOf(ctx, args[0], grid), (x) =>
      Number.isFinite(x) ? date(new Date(Math.trunc(x) * 1000)) : NaN,
    );
  }
  switch (name) {
    case 'time':
      return scalarValue(Float64Array.from({ length: grid.steps }, (_, i) => stepTime(grid, i) / 1000));
    case 'pi':
      return scalarValue(new Float64Array(grid.steps).fill(Math.PI));
    case 'start':
      return scalarValue(new Float64Array(grid.steps).fill(ctx.startMs / 1000));
    case 'end':
      return scalarValue(new Float64Array(grid.steps).fill(ctx.endMs / 1000));
    case 'range':
      return scalarValue(new Float64Array(grid.steps).fill((ctx.endMs - ctx.startMs) / 1000));
    case 'step':
      return scalarValue(new Float64Array(grid.steps).fill(ctx.stepMs / 1000));
    case 'min_of':
    case 'max_of': {
      const a = scalarArg(ctx, args[0], grid, NaN);
      const b = scalarArg(ctx, args[1], grid, NaN);
      const f = name === 'min_of' ? Math.min : Math.max;
      return scalarValue(a.map((x, i) => f(x, b[i] ?? NaN)));
    }
    case 'vector': {
      const vals = scalarArg(ctx, args[0], grid, NaN);
      const out = newStepSeries({}, grid.steps);
      out.vals.set(vals);
      out.has.fill(1);
      return { type: 'vector', series: [out] };
    }
    case 'scalar': {
      const v = vectorOf(ctx, args[0] as Expr, grid);
      const vals = new Float64Array(grid.steps).fill(NaN);
      for (let i = 0; i < grid.steps; i++) {
        let n = 0;
        for (const s of v.series) {
          if (s.has[i] === 1) {
            n++;
            vals[i] = s.vals[i] ?? NaN;
          }
        }
        if (n !== 1) vals[i] = NaN;
      }
      return scalarValue(vals);
    }
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max':
      return evalClamp(ctx, e, grid);
    case 'round': {
      const to = scalarArg(ctx, args[1], grid, 1);
      return mapValues(vectorOf(ctx, args[0] as Expr, grid), (x, i) => {
        const inv = 1 / (to[i] ?? 1);
        return Math.floor(x * inv + 0.5) / inv;
      });
    }
    case 'timestamp': {
      const v = vectorOf(ctx, args[0] as Expr, grid);
      for (const s of v.series) {
        for (let i = 0; i < grid.steps; i++) if (s.has[i] === 1) s.vals[i] = (s.ts?.[i] ?? stepTime(grid, i)) / 1000;
        s.dropName = true;
        delete s.ts;
      }
      return v;
    }
    case 'absent':
      return evalAbsent(ctx, e, grid, vectorOf(ctx, args[0] as Expr, grid).series);
    case 'label_replace':
      return evalLabelReplace(
        vectorOf(ctx, args[0] as Expr, grid),
        args.slice(1).map((a) => stringArg(ctx, a, grid)),
      );
    case 'label_join':
      return evalLabelJoin(
        vectorOf(ctx, args[0] as Expr, grid),
        args.slice(1).map((a) => stringArg(ctx, a, grid)),
      );
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      if (ctx.isRangeQuery)
        annotate(
          ctx,
          'warning',
          'sort is ineffective for range queries since results are always ordered by labels',
          e.pos,
        );
      return sortSeriesFunction(
        name,
        vectorOf(ctx, args[0] as Expr, grid),
        args.slice(1).map((a) => stringArg(ctx, a, grid)),
      );
    case 'histogram_quantile':
      return histogramQuantile(ctx, e, scalarArg(ctx, args[0], grid, NaN), vectorOf(ctx, args[1] as Expr, grid), grid);
    case 'info':
      return evalInfo(ctx, e, grid);
    case 'histogram_quantiles':
      return histogramQuantiles(
        ctx,
        e,
        vectorOf(ctx, args[0] as Expr, grid),
        stringArg(ctx, args[1], grid),
        args.slice(2).map((a) => scalarArg(ctx, a, grid, NaN)),
        grid,
      );
    case 'histogram_fraction':
      return histogramFraction(
        ctx,
        e,
        scalarArg(ctx, args[0], grid, NaN),
        scalarArg(ctx, args[1], grid, NaN),
        vectorOf(ctx, args[2] as Expr, grid),
        grid,
      );
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // These read native histograms only; float samples are ignored, as in Prometheus.
      for (const a of args) evaluate(ctx, a, grid);
      return { type: 'vector', series: [] };
    default:
      throw new EvalError('execution', `function "${name}" is not supported yet`);
  }
}

function evalClamp(ctx: EvalContext, e: Call, grid: StepGrid): EvalValue {
  const v = vectorOf(ctx, e.args[0] as Expr, grid);
  const lo =
    e.func === 'clamp_max' ? new Float64Array(grid.steps).fill(-Infinity) : scalarArg(ctx, e.args[1], grid, -Infinity);
  const hi =
    e.func === 'clamp'
      ? scalarArg(ctx, e.args[2], grid, Infinity)
      : e.func === 'clamp_max'
        ? scalarArg(ctx, e.args[1], grid, Infinity)
        : new Float64Array(grid.steps).fill(Infinity);
  for (const s of v.series) {
    for (let i = 0; i < grid.steps; i++) {
      if (s.has[i] !== 1) continue;
      const mn = lo[i] ?? -Infinity;
      const mx = hi[i] ?? Infinity;
      // clamp(v, min, max) with max < min returns nothing for that step.
      if (e.func === 'clamp' && mx < mn) {
        s.has[i] = 0;
        continue;
      }
      const x = s.vals[i] ?? 0;
      s.vals[i] = Number.isNaN(x) || Number.isNaN(mn) || Number.isNaN(mx) ? NaN : Math.max(mn, Math.min(mx, x));
    }
    s.dropName = true;
    delete s.ts;
  }
  v.series.splice(0, v.series.length, ...v.series.filter((s) => s.has.some((h) => h === 1)));
  return v;
}

/** Labels an absent() result gets: the equality matchers of a lone selector. */
function absentLabels(arg: Expr | undefined): Labels {
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

function evalAbsent(_ctx: EvalContext, e: Call, grid: StepGrid, input: StepSeries[]): EvalValue {
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

function evalRangeCall(ctx: EvalContext, e: Call, grid: StepGrid): EvalValue {
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
      while (lo < n && (s.ts[lo] ?? 0) <= from) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && (s.ts[hi] ?? 0) <= to) hi++;
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

/** Go's %g for the few numbers that appear in messages. */
export function formatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
