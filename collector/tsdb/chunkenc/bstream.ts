/**
 * Bit streams in the layout of Prometheus' tsdb/chunkenc/bstream.go: bits are
 * written most significant first, each byte filled from its high bit down, and
 * the unused low bits of the last byte stay zero. Values wider than 32 bits are
 * passed as (hi, lo) halves so the hot path never touches BigInt.
 */
import type { ByteAllocator } from './byte-slab.js';

/**
 * Writes a bit stream that starts `header` bytes into its buffer. The buffer is
 * either owned (a Uint8Array of its own) or a slot in a shared ByteAllocator
 * page, in which case `buf` is the whole page and `base` the slot's offset.
 * Grows by doubling.
 */
export class BitWriter {
  buf: Uint8Array;
  /** Offset of the first byte (the header) in buf. */
  base = 0;
  /** Bytes available from base. */
  cap: number;
  /** Slot address when allocated from `allocator`. */
  private addr = -1;
  /** Bits written after the header. */
  bitLen = 0;

  constructor(
    capacity: number,
    /** Bytes before the bit stream (the chunk header). */
    readonly header: number,
    /** Where the bytes live; an owned Uint8Array when undefined. */
    readonly allocator?: ByteAllocator,
  ) {
    if (allocator) {
      this.addr = allocator.alloc(capacity);
      this.buf = allocator.page(this.addr);
      this.base = allocator.offset(this.addr);
      this.cap = allocator.slotSize(capacity);
    } else {
      this.buf = new Uint8Array(capacity);
      this.cap = capacity;
    }
  }

  /** Bytes in use, header included. */
  get byteLength(): number {
    return this.header + ((this.bitLen + 7) >>> 3);
  }

  /** A view of the bytes in use. */
  view(): Uint8Array {
    return this.buf.subarray(this.base, this.base + this.byteLength);
  }

  /** Replaces the buffer with an owned copy of exactly `length` bytes (which must hold the data). */
  adopt(bytes: Uint8Array): void {
    this.releaseSlot();
    this.buf = bytes;
    this.base = 0;
    this.cap = bytes.length;
  }

  /** Returns an allocator slot; the writer must get a new buffer (adopt) before further use. */
  releaseSlot(): void {
    if (this.allocator && this.addr >= 0) this.allocator.free(this.addr, this.cap);
    this.addr = -1;
  }

  private ensure(extraBits: number): void {
    const need = this.header + ((this.bitLen + extraBits + 7) >>> 3);
    if (need <= this.cap) return;
    let cap = this.cap * 2;
    while (cap < need) cap *= 2;
    const old = this.view();
    const a = this.allocator;
    if (a) {
      const addr = a.alloc(cap);
      const page = a.page(addr);
      const off = a.offset(addr);
      page.set(old, off);
      this.releaseSlot();
      this.addr = addr;
      this.buf = page;
      this.base = off;
      this.cap = a.slotSize(cap);
    } else {
      const next = new Uint8Array(cap);
      next.set(old);
      this.buf = next;
      this.base = 0;
      this.cap = cap;
    }
  }

  writeBit(bit: boolean): void {
    this.ensure(1);
    if (bit) this.buf[this.base + this.header + (this.bitLen >>> 3)]! |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
  }

  /** Writes the low `n` (0..32) bits of `value`, most significant first. */
  writeBits(value: number, n: number): void {
    this.ensure(n);
    const buf = this.buf;
    const start = this.base + this.header;
    while (n > 0) {
      const idx = start + (this.bitLen >>> 3);
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
    const start = this.base + this.header;
    const end = start + (this.bitLen >>> 3);
    const used = this.bitLen & 7;
    if (used !== 0) this.buf[end]! &= 0xff << (8 - used);
    this.buf.fill(0, this.base + this.byteLength, this.base + this.cap);
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
    /** Offset just past the last byte to read (default: the end of buf). */
    end: number = buf.length,
    /** Where the enclosing record (a chunk inside a page) starts; error offsets count from it. */
    private readonly origin = 0,
  ) {
    this.endBits = (end - start) * 8;
  }

  /** Byte offset (from origin) of the next unread bit; used in error messages. */
  get byteOffset(): number {
    return this.start - this.origin + (this.pos >>> 3);
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
