/**
 * Protobuf varints on plain numbers (integers up to 2^53), written into a
 * caller's buffer: the one implementation behind the WriteRequest encoder,
 * the client's request bodies and its queue records.
 */
const TWO_32 = 4294967296;

/** Bytes an unsigned varint of `v` takes. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes an int64 varint of `v` takes: two's complement, so a negative value takes ten. */
export const int64Size = (v: number): number => (v < 0 ? 10 : varintSize(v));

/** Writes unsigned `v` at `pos`; returns the position after it. The buffer must have room (varintSize). */
export function putVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Writes `v` as a two's complement int64 varint (ten bytes when negative, as every protobuf encoder). */
export function putInt64(buf: Uint8Array, pos: number, v: number): number {
  if (v >= 0) return putVarint(buf, pos, v);
  // -v as 32-bit halves, negated as a 64-bit two's complement pair, written as ten 7-bit groups.
  const a = -v;
  let lo = ~((a % TWO_32) >>> 0) >>> 0;
  let hi = ~(Math.floor(a / TWO_32) >>> 0) >>> 0;
  lo = (lo + 1) >>> 0;
  if (lo === 0) hi = (hi + 1) >>> 0;
  for (let i = 0; i < 9; i++) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo & 0x01;
  return pos;
}
