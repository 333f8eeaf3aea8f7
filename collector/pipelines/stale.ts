/**
 * Prometheus' staleness marker: a NaN with a specific bit pattern that ends a
 * series at once instead of after the 5-minute lookback.
 */
const STALE_BITS = 0x7ff0000000000002n;
const buf = new DataView(new ArrayBuffer(8));
buf.setBigUint64(0, STALE_BITS);

export const STALE_NAN: number = buf.getFloat64(0);

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  buf.setFloat64(0, v);
  return buf.getBigUint64(0) === STALE_BITS;
}
