/**
 * Float64 <-> (hi, lo) 32-bit halves. Going through a DataView keeps every bit,
 * NaN payloads included: Prometheus' stale marker is the signalling NaN
 * 0x7ff0000000000002 and must come back out exactly as it went in.
 */
const view = new DataView(new ArrayBuffer(8));

/**
 * High 32 bits of v's IEEE-754 pattern as a signed int32 (an int32 is a small
 * integer to V8, stored unboxed in objects; a uint32 above 2^31 is not).
 */
export function floatHi(v: number): number {
  view.setFloat64(0, v);
  return view.getInt32(0);
}

/** Low half (int32) of the bits of the last value passed to floatHi. Call right after it. */
export function lastLo(): number {
  return view.getInt32(4);
}

export function fromBits(hi: number, lo: number): number {
  view.setInt32(0, hi | 0);
  view.setInt32(4, lo | 0);
  return view.getFloat64(0);
}

/** The staleness marker Prometheus writes when a series disappears (value.StaleNaN). */
export const STALE_NAN: number = fromBits(0x7ff00000, 0x00000002);

export function isStaleNaN(v: number): boolean {
  return floatHi(v) === 0x7ff00000 && lastLo() === 0x00000002;
}
