/**
 * Reading series through the Querier seam: each selector loads its series
 * once per query into typed arrays, then the step loops walk them with
 * two pointers.
 */
import type { Labels, SampleIterator } from '../../tsdb/interface.js';
import type { AtModifier, VectorSelector } from '../parser/ast.js';
import { durationMs } from '../parser/duration.js';
import { addSamples, checkDeadline, type EvalContext } from './context.js';
import { smoothedAt } from './extended-range.js';
import {
  allocF64,
  isStaleNaN,
  newStepSeries,
  stepTime,
  type MatrixWindows,
  type RangeSeries,
  type StepGrid,
  type StepSeries,
} from './values.js';

/**
 * The store's iterators expose the current sample as plain `t`/`v` fields
 * besides at(); reading them avoids one object per sample. Any other
 * SampleIterator goes through at().
 */
function hasCursorFields(it: SampleIterator): it is SampleIterator & { readonly t: number; readonly v: number } {
  const o = it as unknown as { t?: unknown; v?: unknown };
  return typeof o.t === 'number' && typeof o.v === 'number';
}

/** Reused read buffers: a series is read here first, then copied out at its exact size. */
let scratchTs = new Float64Array(1024);
let scratchVs = new Float64Array(1024);

interface LoadedSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** Loads samples with minT <= t <= maxT; `dropStale` removes staleness markers (range selections). */
function load(ctx: EvalContext, vs: VectorSelector, minT: number, maxT: number, dropStale: boolean): LoadedSeries[] {
  const out: LoadedSeries[] = [];
  if (maxT < minT) return out;
  const querier = ctx.queryable.querier(minT, maxT);
  for (const s of querier.select(vs.matchers)) {
    checkDeadline(ctx);
    let ts = scratchTs;
    let vals = scratchVs;
    let n = 0;
    const it = s.samples();
    const direct = hasCursorFields(it) ? it : undefined;
    let more = it.seek(minT);
    while (more) {
      let st: number;
      let sv: number;
      if (direct !== undefined) {
        st = direct.t;
        sv = direct.v;
      } else {
        const smp = it.at();
        st = smp.t;
        sv = smp.v;
      }
      if (st > maxT) break;
      if (st >= minT && !(dropStale && isStaleNaN(sv))) {
        if (n === ts.length) {
          const t2 = new Float64Array(n * 2);
          t2.set(ts);
          ts = t2;
          const v2 = new Float64Array(n * 2);
          v2.set(vals);
          vals = v2;
        }
        ts[n] = st;
        vals[n] = sv;
        n++;
      }
      more = it.next();
    }
    scratchTs = ts;
    scratchVs = vals;
    if (n > 0) {
      const tCopy = allocF64(n);
      tCopy.set(ts.subarray(0, n));
      const vCopy = allocF64(n);
      vCopy.set(vals.subarray(0, n));
      out.push({ labels: s.labels, ts: tCopy, vs: vCopy });
    }
  }
  return out;
}

export function atMs(ctx: EvalContext, at: AtModifier | undefined): number | undefined {
  if (at === undefined) return undefined;
  switch (at.kind) {
    case 'time':
      return at.ms;
    case 'start':
      return ctx.startMs;
    case 'end':
      return ctx.endMs;
    default: {
      const never: never = at;
      return never;
    }
  }
}

export function durationCtx(ctx: EvalContext): { stepMs: number; rangeMs: number } {
  return { stepMs: ctx.stepMs, rangeMs: ctx.endMs - ctx.startMs };
}

/** The reference time of step i after @ and offset. */
export function refTimes(
  ctx: EvalContext,
  grid: StepGrid,
  vs: { offset: VectorSelector['offset']; at: AtModifier | undefined },
  evalOut?: Float64Array,
): Float64Array {
  const off = vs.offset === undefined ? 0 : durationMs(vs.offset, durationCtx(ctx));
  const at = atMs(ctx, vs.at);
  const refs = new Float64Array(grid.steps);
  for (let i = 0; i < grid.steps; i++) {
    const t = at ?? stepTime(grid, i);
    // predict_linear's origin is the step's own time even under @ (Prometheus
    // never treats it as step-invariant).
    if (evalOut) evalOut[i] = stepTime(grid, i);
    refs[i] = t - off;
  }
  return refs;
}

/** An instant vector selector: the latest sample in (t - lookback, t], unless it is a staleness marker. */
export function evalVectorSelector(ctx: EvalContext, vs: VectorSelector, grid: StepGrid): StepSeries[] {
  const refs = refTimes(ctx, grid, vs);
  if (grid.steps === 0) return [];
  const lookback = ctx.lookbackMs;
  const minRef = Math.min(refs[0] ?? 0, refs[grid.steps - 1] ?? 0);
  const maxRef = Math.max(refs[0] ?? 0, refs[grid.steps - 1] ?? 0);
  if (minRef === maxRef && vs.mode === undefined) return latestSamples(ctx, vs, maxRef, grid.steps);
  const loaded = load(
    ctx,
    vs,
    minRef - lookback + 1,
    maxRef + (vs.mode === 'smoothed' ? lookback : 0),
    vs.mode === 'smoothed',
  );
  const out: StepSeries[] = [];
  let points = 0;
  for (const s of loaded) {
    const r = newStepSeries(s.labels, grid.steps);
    const ts = allocF64(grid.steps);
    let k = 0; // samples with t <= ref
    let any = false;
    const n = s.ts.length;
    for (let i = 0; i < grid.steps; i++) {
      const ref = refs[i] ?? 0;
      if (i > 0 && ref < (refs[i - 1] ?? 0)) k = 0;
      while (k < n && (s.ts[k] ?? 0) <= ref) k++;
      if (k === 0) continue;
      if (vs.mode === 'smoothed') {
        const sv = smoothedAt(s.ts, s.vs, k, ref, lookback);
        if (sv === undefined || isStaleNaN(sv)) continue;
        r.vals[i] = sv;
        r.has[i] = 1;
        ts[i] = ref;
        any = true;
        points++;
        continue;
      }
      const t = s.ts[k - 1] ?? 0;
      const v = s.vs[k - 1] ?? 0;
      if (t <= ref - lookback || isStaleNaN(v)) continue;
      r.vals[i] = v;
      r.has[i] = 1;
      ts[i] = t;
      any = true;
      points++;
    }
    if (any) {
      r.ts = ts;
      out.push(r);
    }
  }
  addSamples(ctx, points); // Prometheus holds every point of a selector's range result at once
  return out;
}

/** A range selector: its series (stale markers removed) and each step's window (from, to]. */
export function evalMatrixSelector(
  ctx: EvalContext,
  vs: VectorSelector,
  rangeMs: number,
  grid: StepGrid,
  mode?: 'anchored' | 'smoothed',
): { series: RangeSeries[]; windows: MatrixWindows } {
  const evalMs = new Float64Array(grid.steps);
  const refs = refTimes(ctx, grid, vs, evalMs);
  const fromMs = new Float64Array(grid.steps);
  for (let i = 0; i < grid.steps; i++) fromMs[i] = (refs[i] ?? 0) - rangeMs;
  if (grid.steps === 0) return { series: [], windows: { fromMs, toMs: refs, evalMs } };
  const minRef = Math.min(refs[0] ?? 0, refs[grid.steps - 1] ?? 0);
  const maxRef = Math.max(refs[0] ?? 0, refs[grid.steps - 1] ?? 0);
  // Extended ranges also need the sample before the window and, when
  // smoothed, the one after it (each within the lookback delta).
  const before = mode === undefined ? 0 : ctx.lookbackMs;
  const after = mode === 'smoothed' ? ctx.lookbackMs : 0;
  const loaded = load(ctx, vs, minRef - rangeMs + 1 - before, maxRef + after, true);
  let total = 0;
  for (const s of loaded) total += s.ts.length;
  // Prometheus counts the samples of one step's windows; a window holds at
  // most all of a series' samples, so bound it by the smaller of the two.
  const perStep =
    grid.steps > 1
      ? Math.ceil((total * Math.min(rangeMs, maxRef - minRef + rangeMs)) / Math.max(1, maxRef - minRef + rangeMs))
      : total;
  addSamples(ctx, perStep);
  const series = loaded.map((s) => ({ labels: s.labels, ts: s.ts, vs: s.vs, dropName: false }));
  return { series, windows: { fromMs, toMs: refs, evalMs } };
}

/**
 * An instant selector whose every step reads the same time (an instant
 * query, or @): only the latest sample in (ref - lookback, ref] matters, so
 * nothing is copied.
 */
function latestSamples(ctx: EvalContext, vs: VectorSelector, ref: number, steps: number): StepSeries[] {
  const out: StepSeries[] = [];
  const minT = ref - ctx.lookbackMs + 1;
  const querier = ctx.queryable.querier(minT, ref);
  for (const s of querier.select(vs.matchers)) {
    checkDeadline(ctx);
    const it = s.samples();
    const direct = hasCursorFields(it) ? it : undefined;
    let found = false;
    let lt = 0;
    let lv = 0;
    let more = it.seek(minT);
    while (more) {
      let st: number;
      let sv: number;
      if (direct !== undefined) {
        st = direct.t;
        sv = direct.v;
      } else {
        const smp = it.at();
        st = smp.t;
        sv = smp.v;
      }
      if (st > ref) break;
      if (st >= minT) {
        found = true;
        lt = st;
        lv = sv;
      }
      more = it.next();
    }
    if (!found || isStaleNaN(lv)) continue;
    const r = newStepSeries(s.labels, steps);
    const ts = allocF64(steps);
    r.vals.fill(lv);
    r.has.fill(1);
    ts.fill(lt);
    r.ts = ts;
    out.push(r);
  }
  addSamples(ctx, out.length);
  return out;
}
