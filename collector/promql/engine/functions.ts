/**
 * Function calls: range-vector functions go through RANGE_FUNCTIONS over
 * each step's window; the rest work on instant vectors or scalars step by
 * step. Names and edge cases follow Prometheus' functions.go.
 */
import type { Call, Expr } from '../parser/ast.js';
import { annotate, EvalError, type EvalContext } from './context.js';
import { scalarArg, stringArg, vectorOf } from './call-args.js';
import { evalAbsent, evalRangeCall } from './range-call.js';
import { RANGE_FUNCTIONS } from './range-functions.js';
import { evaluate } from './evaluator.js';
import { histogramFraction, histogramQuantile, histogramQuantiles } from './histogram-quantile.js';
import { evalInfo } from './info.js';
import { evalLabelJoin, evalLabelReplace } from './label-functions.js';
import { sortSeriesFunction } from './sort-functions.js';
import { newStepSeries, stepTime, type EvalValue, type StepGrid, type StepSeries } from './values.js';

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

/** Applies f to every present value; the result drops the metric name. */
function mapValues(v: Vec, f: (x: number, i: number) => number): Vec {
  for (const s of v.series) {
    for (let i = 0; i < s.vals.length; i++) if (s.has[i] === 1) s.vals[i] = f(s.vals[i] ?? 0, i);
    s.dropName = true;
    s.ts = undefined;
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
        s.ts = undefined;
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
    s.ts = undefined;
  }
  v.series.splice(0, v.series.length, ...v.series.filter((s) => s.has.some((h) => h === 1)));
  return v;
}
