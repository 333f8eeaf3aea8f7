/**
 * Prometheus' staleness marker: a NaN with the payload 0x7ff0000000000002,
 * written when a series disappears from a target so queries stop returning it
 * at once instead of five minutes later.
 *
 * V8 keeps a NaN's payload in object fields but sets the quiet bit when it is
 * stored in a double array or typed array, so `isStaleNaN` ignores that bit:
 * what identifies the marker is the payload 2.
 */
const view = new DataView(new ArrayBuffer(8));

function staleNaN(): number {
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 0x00000002);
  return view.getFloat64(0);
}

export const STALE_NAN: number = staleNaN();

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  view.setFloat64(0, v);
  return (view.getUint32(0) & 0x7ff7ffff) === 0x7ff00000 && view.getUint32(4) === 2;
}
