/**
 * A growable byte buffer with the primitives of Prometheus' tsdb/encoding
 * Encbuf: big-endian fixed-width integers and Go's encoding/binary varints.
 * Numbers stay plain JS numbers: timestamps, offsets and chunk references in
 * a block all fit in 53 bits, and we refuse anything that does not rather
 * than silently round it.
 */
import { crc32c } from './crc32c.js';

const TEXT = new TextEncoder();
const TWO_32 = 4294967296;

export class Encbuf {
  private buf: Uint8Array;
  private view: DataView;
  len = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** The bytes written so far; a view that is valid until the next write or reset. */
  get(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  putByte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
  }

  putBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  putBE32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, x >>> 0);
    this.len += 4;
  }

  putBE64(x: number): void {
    checkSafe(x);
    this.ensure(8);
    this.view.setUint32(this.len, Math.floor(x / TWO_32));
    this.view.setUint32(this.len + 4, x % TWO_32);
    this.len += 8;
  }

  /** Go's PutUvarint; x must be a non-negative safe integer. */
  putUvarint(x: number): void {
    checkSafe(x);
    if (x < 0) throw new RangeError(`uvarint cannot hold negative ${x}`);
    this.ensure(10);
    while (x >= 0x80) {
      this.buf[this.len++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }

  /**
   * Go's PutVarint (zig-zag). Magnitudes past 2^52 (open-ended tombstone
   * bounds such as math.MinInt64) take a BigInt path; values beyond int64,
   * ±Infinity included, are clamped to it.
   */
  putVarint(x: number): void {
    if (Number.isSafeInteger(x) && Math.abs(x) <= 2 ** 52) {
      this.putUvarint(x >= 0 ? x * 2 : -x * 2 - 1);
      return;
    }
    if (Number.isNaN(x) || (Number.isFinite(x) && !Number.isInteger(x))) throw new RangeError(`${x} is not an integer`);
    // Clamp to int64 so ±Infinity (an open-ended deletion) becomes Go's MinInt64/MaxInt64.
    const b = x >= 2 ** 63 ? (1n << 63n) - 1n : x <= -(2 ** 63) ? -(1n << 63n) : BigInt(x);
    let z = BigInt.asUintN(64, (b << 1n) ^ (b < 0n ? -1n : 0n));
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.len++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.len++] = Number(z);
  }

  /** A string as uvarint byte length then UTF-8 bytes. */
  putUvarintStr(s: string): void {
    const b = TEXT.encode(s);
    this.putUvarint(b.length);
    this.putBytes(b);
  }

  /** Appends the CRC-32C of bytes [from, len) as a big-endian uint32. */
  putCrcOf(from: number): void {
    this.putBE32(crc32c(this.buf.subarray(from, this.len)));
  }

  /** Zero bytes until len is a multiple of `align` counted from `base` (the file position of byte 0). */
  padTo(align: number, base = 0): void {
    const rem = (base + this.len) % align;
    if (rem === 0) return;
    this.ensure(align - rem);
    this.buf.fill(0, this.len, this.len + align - rem);
    this.len += align - rem;
  }

  /** Overwrites 4 bytes at `at` with a big-endian uint32. */
  setBE32(at: number, x: number): void {
    this.view.setUint32(at, x >>> 0);
  }
}

function checkSafe(x: number): void {
  if (!Number.isSafeInteger(x)) throw new RangeError(`${x} is not an integer within 2^53`);
}
