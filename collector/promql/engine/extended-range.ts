/**
 * Extended range selectors (experimental `anchored` and `smoothed`): the
 * window also sees the last sample at or before its start and, when
 * smoothed, the first sample after its end; rate/increase/delta then use
 * the (interpolated) boundary values instead of extrapolating.
 */

/** Linear interpolation at t. */
function interpolate(t1: number, y1In: number, t2: number, y2: number, t: number, isCounter: boolean): number {
  let y1 = y1In;
  // After a counter reset the counter restarted from 0 somewhere between the two samples.
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + ((y2 - y1) * (t - t1)) / (t2 - t1);
}

/**
 * Samples lo..hi-1 are the extended window (one before the range, the range,
 * and for smoothed one after). Returns undefined when there is no result.
 */
export function extendedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  rangeStart: number,
  rangeEnd: number,
  rangeMs: number,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (hi <= lo) return undefined;
  let last = hi - 1;
  let first = lo;
  while (first < last && (ts[first] ?? 0) <= rangeStart) first++;
  first = Math.max(lo, first - 1);
  if (smoothed) {
    let k = lo;
    while (k < hi - 1 && (ts[k] ?? 0) < rangeEnd) k++;
    last = k;
  }
  if ((ts[last] ?? 0) <= rangeStart) return undefined;
  // Data only after the range says nothing about it.
  if ((ts[first] ?? 0) > rangeEnd) return undefined;
  const left =
    smoothed && (ts[first] ?? 0) < rangeStart
      ? interpolate(ts[first] ?? 0, vs[first] ?? 0, ts[first + 1] ?? 0, vs[first + 1] ?? 0, rangeStart, isCounter)
      : (vs[first] ?? 0);
  const right =
    smoothed && last > lo && (ts[last] ?? 0) > rangeEnd
      ? interpolate(ts[last - 1] ?? 0, vs[last - 1] ?? 0, ts[last] ?? 0, vs[last] ?? 0, rangeEnd, isCounter)
      : (vs[last] ?? 0);
  let result = right - left;
  if (isCounter) {
    let a = first;
    let b = last;
    if ((ts[a] ?? 0) <= rangeStart) a++;
    if ((ts[b] ?? 0) >= rangeEnd) b--;
    let prev = left;
    for (let i = a; i <= b; i++) {
      const v = vs[i] ?? 0;
      if (v < prev) result += prev;
      prev = v;
    }
    if (right < prev) result += prev;
  }
  return isRate ? result / (rangeMs / 1000) : result;
}

/** The value of a smoothed instant selector at t: interpolated between the samples around t. */
export function smoothedAt(
  ts: Float64Array,
  vs: Float64Array,
  k: number,
  t: number,
  lookbackMs: number,
): number | undefined {
  // k: number of samples with time <= t.
  const before = k - 1;
  if (before >= 0 && (ts[before] ?? 0) === t) return vs[before];
  const hasBefore = before >= 0 && (ts[before] ?? 0) > t - lookbackMs;
  const hasAfter = k < ts.length && (ts[k] ?? 0) <= t + lookbackMs;
  if (hasBefore && hasAfter) return interpolate(ts[before] ?? 0, vs[before] ?? 0, ts[k] ?? 0, vs[k] ?? 0, t, false);
  if (hasBefore) return vs[before];
  return undefined;
}
