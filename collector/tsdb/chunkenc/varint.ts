/**
 * Go's encoding/binary varints (LEB128; signed ones zig-zag encoded), which the
 * XOR chunk uses for its first timestamp and first delta. Timestamps are
 * milliseconds and stay within 2^53, so plain numbers suffice; values outside
 * that range (a negative uvarint delta wraps to 2^64 - x in Go) go through BigInt.
 */
import type { BitReader, BitWriter } from './bstream.js';

/** Writes x as Go's PutUvarint(uint64(x)) would, x being an int64. */
export function writeUvarint(w: BitWriter, x: number): void {
  if (x < 0 || x > Number.MAX_SAFE_INTEGER) {
    let big = BigInt.asUintN(64, BigInt(x));
    while (big >= 0x80n) {
      w.writeByte(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    w.writeByte(Number(big));
    return;
  }
  while (x >= 0x80) {
    w.writeByte((x % 128) | 0x80);
    x = Math.floor(x / 128);
  }
  w.writeByte(x);
}

/** Writes x as Go's PutVarint(x) would (zig-zag). */
export function writeVarint(w: BitWriter, x: number): void {
  if (!Number.isSafeInteger(x)) {
    const b = BigInt(x);
    const z = BigInt.asUintN(64, (b << 1n) ^ (b < 0n ? -1n : 0n));
    writeUvarint(w, Number(BigInt.asIntN(64, z)));
    return;
  }
  writeUvarint(w, x >= 0 ? x * 2 : -x * 2 - 1);
}

/** Reads a uvarint as an unsigned 64-bit BigInt (Go's ReadUvarint). */
function readUvarintBig(r: BitReader): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = r.readByte();
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) return BigInt.asUintN(64, result);
  }
  throw new RangeError(`varint overflows 64 bits before byte ${r.byteOffset}`);
}

/** Reads a uvarint and reinterprets it as int64, like Go's int64(uint64). */
export function readUvarintAsInt64(r: BitReader): number {
  const startPos = r.pos;
  let x = 0;
  let mul = 1;
  // Up to 7 bytes (49 bits) are exact as a number; longer ones take the BigInt path.
  for (let i = 0; i < 7; i++) {
    const b = r.readByte();
    x += (b & 0x7f) * mul;
    if (b < 0x80) return x;
    mul *= 128;
  }
  r.pos = startPos;
  return Number(BigInt.asIntN(64, readUvarintBig(r)));
}

/** Reads a zig-zag varint (Go's ReadVarint). */
export function readVarint(r: BitReader): number {
  const startPos = r.pos;
  const z = readUvarintAsInt64(r);
  if (z >= 0 && r.pos - startPos <= 56) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  r.pos = startPos;
  const u = readUvarintBig(r);
  return Number(BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n)));
}
