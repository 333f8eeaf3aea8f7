/**
 * Reading side of encbuf.ts. Every read checks bounds and a failure names the
 * file and the byte offset, so a corrupt block is reported precisely instead
 * of surfacing as a RangeError from deep inside a typed array.
 */
import { crc32c } from './crc32c.js';

const TEXT = new TextDecoder('utf-8', { fatal: true });
const TWO_32 = 4294967296;

/** A block file is damaged or not in the format we expect. */
export class CorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${file}: byte ${offset}: ${detail}`);
    this.name = 'CorruptionError';
  }
}

const be32At = (b: Uint8Array, p: number): number => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;

export class Decbuf {
  /** Absolute position in `bytes`. */
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start = 0,
    /** Exclusive end of the readable range. */
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(detail: string, at = this.pos): never {
    throw new CorruptionError(this.file, at, detail);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end)
      this.fail(`unexpected end of data reading ${what} (need ${n} bytes, have ${this.remaining})`);
  }

  byte(): number {
    this.need(1, 'byte');
    return this.bytes[this.pos++]!;
  }

  be32(): number {
    this.need(4, 'uint32');
    const x = be32At(this.bytes, this.pos);
    this.pos += 4;
    return x;
  }

  be64(): number {
    this.need(8, 'uint64');
    const hi = be32At(this.bytes, this.pos);
    const lo = be32At(this.bytes, this.pos + 4);
    if (hi >= 0x200000) this.fail(`uint64 ${hi}:${lo} is beyond 2^53`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  skip(n: number): void {
    this.need(n, `${n} bytes`);
    this.pos += n;
  }

  bytesN(n: number): Uint8Array {
    this.need(n, `${n} bytes`);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /**
   * Go's Uvarint. Values past 2^53 come back rounded: they only occur as
   * open-ended tombstone bounds, where "very large" is all that matters.
   */
  uvarint(): number {
    const start = this.pos;
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of data in varint', start);
      const b = this.bytes[this.pos++]!;
      x += (b & 0x7f) * mul;
      if (b < 0x80) return x;
      mul *= 128;
    }
    return this.fail('varint overflows 64 bits', start);
  }

  /** Go's Varint (zig-zag), with uvarint's rounding caveat for huge magnitudes. */
  varint(): number {
    const start = this.pos;
    const u = this.uvarint();
    if (u <= Number.MAX_SAFE_INTEGER) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    // Re-decode exactly with BigInt so the sign is right.
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.bytes[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) break;
    }
    big = BigInt.asUintN(64, big);
    return Number(BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n)));
  }

  uvarintBytes(): Uint8Array {
    const n = this.uvarint();
    return this.bytesN(n);
  }

  uvarintStr(): string {
    const at = this.pos;
    const b = this.uvarintBytes();
    try {
      return TEXT.decode(b);
    } catch {
      return this.fail('string is not valid UTF-8', at);
    }
  }

  /** Checks that the big-endian CRC-32C stored at `crcAt` matches bytes [from, crcAt). */
  checkCrc(from: number, crcAt: number, what: string): void {
    if (crcAt + 4 > this.bytes.length) this.fail(`${what}: checksum lies beyond the end of the file`, crcAt);
    const want = be32At(this.bytes, crcAt);
    const got = crc32c(this.bytes.subarray(from, crcAt));
    if (want !== got) this.fail(`${what}: checksum mismatch (stored ${hex(want)}, computed ${hex(got)})`, from);
  }
}

const hex = (x: number): string => '0x' + x.toString(16).padStart(8, '0');
