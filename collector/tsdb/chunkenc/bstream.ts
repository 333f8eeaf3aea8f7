/**
 * Bit streams in the layout of Prometheus' tsdb/chunkenc/bstream.go: bits are
 * written most significant first, each byte filled from its high bit down, and
 * the unused low bits of the last byte stay zero. Values wider than 32 bits are
 * passed as (hi, lo) halves so the hot path never touches BigInt.
 */
import type { ByteAllocator } from './byte-slab.js';

/** Grows by doubling; starts small because most head chunks stay under ~200 bytes. */
export class BitWriter {
  buf: Uint8Array;
  /** Bits written after the byte offset `start`. */
  bitLen = 0;

  constructor(
    initial: Uint8Array,
    /** Bytes before the bit stream (the chunk header). */
    readonly start: number,
    /** Where growth gets its buffers; plain allocations when undefined. */
    readonly allocator?: ByteAllocator,
  ) {
    this.buf = initial;
  }

  /** Bytes in use, header included. */
  get byteLength(): number {
    return this.start + ((this.bitLen + 7) >>> 3);
  }

  private ensure(extraBits: number): void {
    const need = this.start + ((this.bitLen + extraBits + 7) >>> 3);
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = this.allocator ? this.allocator.alloc(cap) : new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.byteLength));
    this.allocator?.free(this.buf);
    this.buf = next;
  }

  writeBit(bit: boolean): void {
    this.ensure(1);
    if (bit) this.buf[this.start + (this.bitLen >>> 3)]! |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
  }

  /** Writes the low `n` (0..32) bits of `value`, most significant first. */
  writeBits(value: number, n: number): void {
    this.ensure(n);
    const buf = this.buf;
    while (n > 0) {
      const idx = this.start + (this.bitLen >>> 3);
      const free = 8 - (this.bitLen & 7);
      const take = free < n ? free : n;
      const chunk = (value >>> (n - take)) & ((1 << take) - 1);
      buf[idx]! |= chunk << (free - take);
      this.bitLen += take;
      n -= take;
    }
  }

  /** Writes the low `n` (0..64) bits of the 64-bit value hi:lo. */
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi, n - 32);
      this.writeBits(lo, 32);
    } else {
      this.writeBits(lo, n);
    }
  }

  writeByte(b: number): void {
    this.writeBits(b, 8);
  }

  /** Clears every bit after the current end, e.g. after loading foreign bytes. */
  clearTail(): void {
    const end = this.start + (this.bitLen >>> 3);
    const used = this.bitLen & 7;
    if (used !== 0 && end < this.buf.length) this.buf[end]! &= 0xff << (8 - used);
    this.buf.fill(0, this.byteLength);
  }
}

export class BitReaderError extends Error {
  constructor(readonly byteOffset: number) {
    super(`unexpected end of chunk data at byte ${byteOffset}`);
    this.name = 'BitReaderError';
  }
}

export class BitReader {
  /** Position in bits from `start`. */
  pos = 0;
  private readonly endBits: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly start: number,
  ) {
    this.endBits = (buf.length - start) * 8;
  }

  /** Byte offset (into the whole buffer) of the next unread bit; used in error messages. */
  get byteOffset(): number {
    return this.start + (this.pos >>> 3);
  }

  readBit(): boolean {
    if (this.pos >= this.endBits) throw new BitReaderError(this.byteOffset);
    const byte = this.buf[this.start + (this.pos >>> 3)]!;
    const bit = (byte & (0x80 >>> (this.pos & 7))) !== 0;
    this.pos++;
    return bit;
  }

  /** Reads `n` (0..32) bits as an unsigned number. */
  readBits(n: number): number {
    if (this.pos + n > this.endBits) throw new BitReaderError(this.byteOffset);
    let out = 0;
    while (n > 0) {
      const byte = this.buf[this.start + (this.pos >>> 3)]!;
      const avail = 8 - (this.pos & 7);
      const take = avail < n ? avail : n;
      const bits = (byte >>> (avail - take)) & ((1 << take) - 1);
      out = ((out << take) | bits) >>> 0;
      this.pos += take;
      n -= take;
    }
    return out;
  }

  readByte(): number {
    return this.readBits(8);
  }
}
