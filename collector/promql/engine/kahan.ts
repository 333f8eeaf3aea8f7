/**
 * Kahan–Neumaier compensated summation as Prometheus' kahanSumInc does it.
 * The compensation is returned through a small mutable cell so that hot
 * loops allocate nothing.
 */
export interface KahanCell {
  c: number;
}

/** Adds `inc` to `sum`, updating `cell.c`; returns the new sum. */
export function kahanInc(inc: number, sum: number, cell: KahanCell): number {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) cell.c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) cell.c += sum - t + inc;
  else cell.c += inc - t + sum;
  return t;
}

/** Prometheus' quantile over a value list (sorted in place); q outside [0,1] gives ±Inf. */
export function quantileOf(q: number, values: Float64Array | number[]): number {
  const n = values.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  sortFloats(values);
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return (values[lower] ?? NaN) * (1 - weight) + (values[upper] ?? NaN) * weight;
}

/** Ascending with NaN first, as Go's sort over Prometheus' value heaps orders them. */
export function sortFloats(values: Float64Array | number[]): void {
  if (values instanceof Float64Array) {
    values.sort();
    // TypedArray sort puts NaN last; Prometheus' Less treats NaN as smallest.
    let nan = 0;
    for (let i = values.length - 1; i >= 0 && Number.isNaN(values[i]); i--) nan++;
    if (nan > 0) {
      values.copyWithin(nan, 0, values.length - nan);
      values.fill(NaN, 0, nan);
    }
  } else {
    values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  }
}
