/**
 * Functions over range vectors (rate, *_over_time, deriv, …), computed for
 * each series and each step over the window (from, to] of that step.
 * Formulas follow Prometheus' functions.go, including its extrapolation and
 * compensated sums.
 */
import { kahanInc, quantileOf, type KahanCell } from './kahan.js';

export interface Window {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** Samples lo..hi-1 fall into the window. */
  readonly lo: number;
  readonly hi: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** The step's evaluation time (enh.Ts in Prometheus). */
  readonly evalMs: number;
  readonly rangeMs: number;
  /** Scalar arguments at this step, in call order (excluding the range vector). */
  readonly p0: number;
  readonly p1: number;
}

/** undefined: no output for this series at this step. */
export type WindowFn = (w: Window) => number | undefined;

const cell: KahanCell = { c: 0 };

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  const n = hi - lo;
  if (n < 2) return undefined;
  const first = vs[lo] ?? 0;
  const firstT = ts[lo] ?? 0;
  const lastT = ts[hi - 1] ?? 0;
  let result = (vs[hi - 1] ?? 0) - first;
  if (isCounter) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i] ?? 0;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - w.fromMs) / 1000;
  let durationToEnd = (w.toMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avgBetween = sampledInterval / (n - 1);
  const threshold = avgBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = avgBetween / 2;
  if (isCounter) {
    // A counter cannot go below zero: do not extrapolate past the point where it would.
    let durationToZero = durationToStart;
    if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avgBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { ts, vs, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const last = vs[hi - 1] ?? 0;
  const prev = vs[hi - 2] ?? 0;
  const result = isRate && last < prev ? last : last - prev;
  const interval = (ts[hi - 1] ?? 0) - (ts[hi - 2] ?? 0);
  if (interval === 0) return undefined;
  return isRate ? result / (interval / 1000) : result;
}

/** Least squares fit of the window's samples, x in seconds relative to interceptMs. */
function linearRegression(w: Window, interceptMs: number): [number, number] {
  const { ts, vs, lo, hi } = w;
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumX2 = 0;
  const cX: KahanCell = { c: 0 };
  const cY: KahanCell = { c: 0 };
  const cXY: KahanCell = { c: 0 };
  const cX2: KahanCell = { c: 0 };
  const initY = vs[lo] ?? 0;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i] ?? 0;
    if (constY && i > lo && y !== initY) constY = false;
    n++;
    const x = ((ts[i] ?? 0) - interceptMs) / 1000;
    sumX = kahanInc(x, sumX, cX);
    sumY = kahanInc(y, sumY, cY);
    sumXY = kahanInc(x * y, sumXY, cXY);
    sumX2 = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX.c;
  sumY += cY.c;
  sumXY += cXY.c;
  sumX2 += cX2.c;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function sumOver(w: Window): number {
  cell.c = 0;
  let sum = 0;
  for (let i = w.lo; i < w.hi; i++) sum = kahanInc(w.vs[i] ?? 0, sum, cell);
  if (!Number.isFinite(sum) && !Number.isNaN(sum)) return sum;
  return sum + cell.c;
}

function avgOver(w: Window): number {
  const { vs, lo, hi } = w;
  let sum = vs[lo] ?? 0;
  let count = 1;
  let mean = 0;
  let incremental = false;
  const c: KahanCell = { c: 0 };
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i] ?? 0;
    count = i - lo + 1;
    if (!incremental) {
      const saved = c.c;
      const next = kahanInc(v, sum, c);
      if (Number.isFinite(next) || Number.isNaN(next)) {
        sum = next;
        continue;
      }
      // The sum would overflow: continue with an incremental mean instead.
      c.c = saved;
      incremental = true;
      mean = sum / (count - 1);
      c.c /= count - 1;
    }
    const q = (count - 1) / count;
    c.c *= q;
    mean = kahanInc(v / count, q * mean, c);
  }
  if (incremental) return mean + c.c;
  return sum / count + c.c / count;
}

function varianceOver(w: Window): number {
  let count = 0;
  let mean = 0;
  let aux = 0;
  const cMean: KahanCell = { c: 0 };
  const cAux: KahanCell = { c: 0 };
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.vs[i] ?? 0;
    count++;
    const delta = v - (mean + cMean.c);
    mean = kahanInc(delta / count, mean, cMean);
    aux = kahanInc(delta * (v - (mean + cMean.c)), aux, cAux);
  }
  return (aux + cAux.c) / count;
}

function windowValues(w: Window): Float64Array {
  return w.vs.slice(w.lo, w.hi);
}

function extreme(w: Window, better: (cur: number, best: number) => boolean): number {
  let best = w.vs[w.lo] ?? NaN;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.vs[i] ?? NaN;
    if (better(v, best) || Number.isNaN(best)) best = v;
  }
  return best;
}

function tsOfExtreme(w: Window, better: (cur: number, best: number) => boolean): number {
  let best = w.vs[w.lo] ?? NaN;
  let bestT = w.ts[w.lo] ?? 0;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.vs[i] ?? NaN;
    if (better(v, best) || Number.isNaN(best)) {
      best = v;
      bestT = w.ts[i] ?? 0;
    }
  }
  return bestT / 1000;
}

function doubleExponentialSmoothing(w: Window): number | undefined {
  const sf = w.p0;
  const tf = w.p1;
  const n = w.hi - w.lo;
  if (n < 2) return undefined;
  const v = (i: number): number => w.vs[w.lo + i] ?? 0;
  let s0 = 0;
  let s1 = v(0);
  let b = v(1) - v(0);
  for (let i = 1; i < n; i++) {
    const x = sf * v(i);
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

export const RANGE_FUNCTIONS: ReadonlyMap<string, WindowFn> = new Map<string, WindowFn>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['sum_over_time', sumOver],
  ['avg_over_time', avgOver],
  ['count_over_time', (w) => w.hi - w.lo],
  ['min_over_time', (w) => extreme(w, (cur, best) => cur < best)],
  ['max_over_time', (w) => extreme(w, (cur, best) => cur > best)],
  ['last_over_time', (w) => w.vs[w.hi - 1]],
  ['first_over_time', (w) => w.vs[w.lo]],
  ['present_over_time', () => 1],
  ['stdvar_over_time', varianceOver],
  ['stddev_over_time', (w) => Math.sqrt(varianceOver(w))],
  ['quantile_over_time', (w) => quantileOf(w.p0, windowValues(w))],
  [
    'mad_over_time',
    (w) => {
      const vals = windowValues(w);
      if (vals.some((x) => Number.isNaN(x))) return NaN;
      const median = quantileOf(0.5, vals);
      for (let i = 0; i < vals.length; i++) vals[i] = Math.abs((vals[i] ?? 0) - median);
      return quantileOf(0.5, vals);
    },
  ],
  ['ts_of_first_over_time', (w) => (w.ts[w.lo] ?? 0) / 1000],
  ['ts_of_last_over_time', (w) => (w.ts[w.hi - 1] ?? 0) / 1000],
  ['ts_of_min_over_time', (w) => tsOfExtreme(w, (cur, best) => cur <= best)],
  ['ts_of_max_over_time', (w) => tsOfExtreme(w, (cur, best) => cur >= best)],
  [
    'changes',
    (w) => {
      let changes = 0;
      let prev = w.vs[w.lo] ?? 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const cur = w.vs[i] ?? 0;
        if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
        prev = cur;
      }
      return changes;
    },
  ],
  [
    'resets',
    (w) => {
      let resets = 0;
      let prev = w.vs[w.lo] ?? 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const cur = w.vs[i] ?? 0;
        if (cur < prev) resets++;
        prev = cur;
      }
      return resets;
    },
  ],
  ['deriv', (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.ts[w.lo] ?? 0)[0])],
  [
    'predict_linear',
    (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.evalMs);
      return slope * w.p0 + intercept;
    },
  ],
  ['double_exponential_smoothing', doubleExponentialSmoothing],
]);

/** Range functions whose result keeps the metric name. */
export const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);
