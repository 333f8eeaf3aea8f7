/**
 * histogram_quantile over classic histograms: series that differ only in
 * `le` are one histogram; the quantile is interpolated linearly inside the
 * bucket it falls into (Prometheus' BucketQuantile, with its monotonicity
 * fix-ups). Native histograms are not stored here, so there are none to read.
 */
import type { Call, Expr } from '../parser/ast.js';
import { annotate, type EvalContext } from './context.js';
import { formatG } from './number-format.js';
import { mergeSameLabels } from './merge.js';
import { formatFloatGo } from './number-format.js';
import { labelsKey, newStepSeries, type EvalValue, type StepGrid, type StepSeries } from './values.js';

interface Bucket {
  upper: number;
  count: number;
}

const SMALL_DELTA = 1e-12;

function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  const diff = Math.abs(a - b);
  const norm = Math.abs(a) + Math.abs(b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || norm < minNormal) return diff < eps * minNormal;
  return diff / Math.min(norm, Number.MAX_VALUE) < eps;
}

/** Returns [value, forcedMonotonic]. */
export function bucketQuantile(q: number, input: Bucket[]): [number, boolean] {
  if (Number.isNaN(q)) return [NaN, false];
  if (q < 0) return [-Infinity, false];
  if (q > 1) return [Infinity, false];
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  const lastB = sorted[sorted.length - 1];
  if (lastB === undefined || lastB.upper !== Infinity) return [NaN, false];
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const prev = buckets[buckets.length - 1];
    if (prev !== undefined && prev.upper === b.upper) prev.count += b.count;
    else buckets.push({ ...b });
  }
  let forced = false;
  let prev = buckets[0]?.count ?? 0;
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    if (b.count === prev) continue;
    if (almostEqual(prev, b.count, SMALL_DELTA)) {
      b.count = prev;
      continue;
    }
    if (b.count < prev) {
      b.count = prev;
      forced = true;
      continue;
    }
    prev = b.count;
  }
  if (buckets.length < 2) return [NaN, forced];
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) return [NaN, forced];
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && (buckets[b] as Bucket).count < rank) b++;
  if (b === buckets.length - 1) return [(buckets[buckets.length - 2] as Bucket).upper, forced];
  if (b === 0 && (buckets[0] as Bucket).upper <= 0) return [(buckets[0] as Bucket).upper, forced];
  let start = 0;
  const end = (buckets[b] as Bucket).upper;
  let count = (buckets[b] as Bucket).count;
  if (b > 0) {
    const pb = buckets[b - 1] as Bucket;
    start = pb.upper;
    count -= pb.count;
    rank -= pb.count;
  }
  return [start + (end - start) * (rank / count), forced];
}

function parseLe(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^[-+]?0x[0-9a-f]+$/.test(t)) return undefined;
  return Number(t);
}

/** Prometheus' BucketFraction: the share of observations between lower and upper; infinite buckets hold their observations at infinity. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  const lastB = sorted[sorted.length - 1];
  if (lastB === undefined || lastB.upper !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const prev = buckets[buckets.length - 1];
    if (prev !== undefined && prev.upper === b.upper) prev.count += b.count;
    else buckets.push({ ...b });
  }
  const count = (buckets[buckets.length - 1] as Bucket).count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    let lowerBound = i > 0 ? (buckets[i - 1] as Bucket).upper : -Infinity;
    if (i === 0 && b.upper > 0) lowerBound = 0; // like histogram_quantile, the first bucket starts at 0
    const upperBound = b.upper;
    const interpolate = (v: number): number => {
      if (lowerBound === -Infinity) return b.count;
      if (upperBound === Infinity) return rank;
      return rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    };
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/**
 * histogram_quantile and histogram_fraction over classic buckets: series
 * that differ only in `le` form one histogram per step.
 */
export function classicHistogramFn(
  ctx: EvalContext,
  e: Call,
  v: { series: StepSeries[] },
  grid: StepGrid,
  compute: (i: number, buckets: Bucket[]) => [number, boolean],
): EvalValue {
  // histogram_quantiles takes the vector first; the others take it last.
  const vecArg = (e.func === 'histogram_quantiles' ? e.args[0] : e.args[e.args.length - 1]) as Expr;
  const groups = new Map<string, { out: StepSeries; members: { s: StepSeries; le: number }[] }>();
  for (const s of v.series) {
    const le = parseLe(s.labels['le']);
    if (le === undefined || Number.isNaN(le)) {
      annotate(
        ctx,
        'warning',
        `bucket label "le" is missing or has a malformed value of "${s.labels['le'] ?? ''}" for metric name "${s.labels['__name__'] ?? ''}"`,
        vecArg.pos,
      );
      continue;
    }
    // The name stays until the result is formed, so that two histograms that
    // differ only in name collide there, as in Prometheus.
    const { le: _le, ...rest } = s.labels;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (g === undefined) {
      g = { out: newStepSeries(rest, grid.steps, true), members: [] };
      groups.set(key, g);
    }
    g.members.push({ s, le });
  }
  let forcedName: string | undefined;
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < grid.steps; i++) {
      const buckets: Bucket[] = [];
      for (const m of g.members) if (m.s.has[i] === 1) buckets.push({ upper: m.le, count: m.s.vals[i] ?? 0 });
      if (buckets.length === 0) continue;
      const [val, forced] = compute(i, buckets);
      if (forced) forcedName = g.members[0]?.s.labels['__name__'] ?? '';
      g.out.vals[i] = val;
      g.out.has[i] = 1;
    }
    if (g.out.has.some((h) => h === 1)) out.push(g.out);
  }
  if (forcedName !== undefined) {
    annotate(
      ctx,
      'info',
      `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "${forcedName}"`,
      vecArg.pos,
    );
  }
  return { type: 'vector', series: out };
}

export function histogramQuantile(
  ctx: EvalContext,
  e: Call,
  q: Float64Array,
  v: { series: StepSeries[] },
  grid: StepGrid,
): EvalValue {
  for (const qi of q) {
    if (!(qi >= 0 && qi <= 1)) {
      annotate(ctx, 'warning', `quantile value should be between 0 and 1, got ${formatG(qi)}`, (e.args[0] as Expr).pos);
      break;
    }
  }
  return classicHistogramFn(ctx, e, v, grid, (i, buckets) => bucketQuantile(q[i] ?? NaN, buckets));
}

export function histogramFraction(
  ctx: EvalContext,
  e: Call,
  lower: Float64Array,
  upper: Float64Array,
  v: { series: StepSeries[] },
  grid: StepGrid,
): EvalValue {
  return classicHistogramFn(ctx, e, v, grid, (i, buckets) => [
    bucketFraction(lower[i] ?? NaN, upper[i] ?? NaN, buckets),
    false,
  ]);
}

/** How histogram_quantiles writes a quantile into its label: Go's shortest form, integers with ".0". */
function quantileLabel(q: number): string {
  const text = formatFloatGo(q);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** histogram_quantiles(v, "label", q1, q2, …): one output series per quantile, told apart by `label`. */
export function histogramQuantiles(
  ctx: EvalContext,
  e: Call,
  v: { series: StepSeries[] },
  label: string,
  qs: Float64Array[],
  grid: StepGrid,
): EvalValue {
  const qArgs = e.args.slice(2);
  let warned = false;
  qs.forEach((q, k) => {
    for (const qi of q) {
      if (!(qi >= 0 && qi <= 1) && !warned) {
        warned = true;
        annotate(
          ctx,
          'warning',
          `quantile value should be between 0 and 1, got ${formatG(qi)}`,
          (qArgs[k] as Expr).pos,
        );
      }
    }
  });
  const out: StepSeries[] = [];
  for (const q of qs) {
    const r = classicHistogramFn(ctx, e, v, grid, (i, buckets) => bucketQuantile(q[i] ?? NaN, buckets));
    if (r.type !== 'vector') continue;
    for (const s of r.series) {
      // Constant per series only when q is; a varying q keeps the first value's label.
      s.labels = { ...s.labels, [label]: quantileLabel(q[0] ?? NaN) };
      out.push(s);
    }
  }
  return { type: 'vector', series: mergeSameLabels(out) };
}
