/**
 * Gorilla XOR chunk, bit-for-bit the layout of Prometheus' tsdb/chunkenc/xor.go
 * so its bytes can go verbatim into a Prometheus block (encoding byte 1):
 *
 *   2 bytes   big-endian sample count
 *   varint    first timestamp             64 bits  first value
 *   uvarint   second timestamp's delta    XOR      second value
 *   then per sample: delta-of-delta in buckets ('0' | '10'+14 | '110'+17 |
 *   '1110'+20 | '1111'+64 bits), then the value XOR-ed with the previous one
 *   ('0' equal | '10' + bits inside the previous leading/trailing window |
 *   '11' + 5 bits leading zeros + 6 bits significant bits + the bits).
 */
import { BitReader, BitReaderError, BitWriter } from './bstream.js';
import type { ByteAllocator } from './byte-slab.js';
import { floatHi, fromBits, lastLo } from './float-bits.js';
import { readUvarintAsInt64, readVarint, writeUvarint, writeVarint } from './varint.js';
import type { Sample, SampleIterator } from '../interface.js';

/** Prometheus' chunkenc.EncXOR: the encoding byte stored next to the chunk in block files. */
export const ENCODING_XOR = 1;
/** The count header is a uint16. */
export const MAX_SAMPLES_PER_CHUNK = 0xffff;

const HEADER_BYTES = 2;
const TWO_32 = 4294967296;

/** Can x be stored in an nbits bucket? Same asymmetric range as Prometheus' bitRange. */
function bitRange(x: number, nbits: number): boolean {
  const half = 2 ** (nbits - 1);
  return -(half - 1) <= x && x <= half;
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/**
 * Extends the bit writer rather than wrapping one: a head holds one of these
 * per active series, and one object is cheaper than two.
 */
export class XorChunk extends BitWriter {
  private count = 0;
  /** True until an appender state has been rebuilt for bytes loaded with fromBytes. */
  private stateStale = false;
  // Appender state, as in Prometheus' xorAppender.
  private t = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0xff;
  private trailing = 0;

  /**
   * @param allocator where the growing byte buffer lives (the head passes a
   * shared ByteSlab); then call release() when the chunk is done with.
   */
  constructor(initialCapacity = 32, allocator?: ByteAllocator) {
    super(Math.max(initialCapacity, HEADER_BYTES + 1), HEADER_BYTES, allocator);
  }

  /** Gives the buffer back to the allocator; the chunk and any view of its bytes are dead afterwards. */
  release(): void {
    this.adopt(new Uint8Array(HEADER_BYTES));
    this.bitLen = 0;
    this.count = 0;
  }

  /**
   * Wraps chunk bytes (e.g. read from a block) without validating them; a
   * corrupt chunk shows up as an iterator error. The bytes are copied.
   */
  static fromBytes(bytes: Uint8Array): XorChunk {
    if (bytes.length < HEADER_BYTES) throw new RangeError(`XOR chunk needs at least 2 bytes, got ${bytes.length}`);
    const c = new XorChunk(bytes.length + 1);
    c.buf.set(bytes);
    c.bitLen = (bytes.length - HEADER_BYTES) * 8;
    c.count = (bytes[0]! << 8) | bytes[1]!;
    c.stateStale = true;
    return c;
  }

  get numSamples(): number {
    return this.count;
  }

  /** Timestamp of the last sample appended (undefined when empty). */
  get lastT(): number | undefined {
    if (this.stateStale) this.restoreState();
    return this.count === 0 ? undefined : this.t;
  }

  /** Whether v has exactly the bits of the last value (what Prometheus' duplicate check compares). */
  lastValueIs(v: number): boolean {
    if (this.stateStale) this.restoreState();
    return this.count > 0 && floatHi(v) === this.vHi && lastLo() === this.vLo;
  }

  /**
   * The chunk as Prometheus stores it. A view: later appends change it, and
   * with an allocator it dies on growth or release(); slice() it to keep it.
   */
  bytes(): Uint8Array {
    return this.view();
  }

  /** Drops spare capacity once the chunk is complete (Prometheus' Compact). */
  compact(): void {
    if (this.cap > this.byteLength) this.adopt(this.view().slice());
  }

  /** Appends a sample; t must not be before the previous sample (the head checks this). */
  append(t: number, v: number): void {
    if (this.stateStale) this.restoreState();
    if (this.count >= MAX_SAMPLES_PER_CHUNK) throw new RangeError('XOR chunk is full (65535 samples)');
    const w = this as BitWriter;
    const hi = floatHi(v);
    const lo = lastLo();
    let tDelta = 0;
    if (this.count === 0) {
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
    } else if (this.count === 1) {
      tDelta = t - this.t;
      writeUvarint(w, tDelta);
      this.writeValue(hi, lo);
    } else {
      tDelta = t - this.t;
      this.writeDod(tDelta - this.tDelta);
      this.writeValue(hi, lo);
    }
    this.t = t;
    this.tDelta = tDelta;
    this.vHi = hi;
    this.vLo = lo;
    this.count++;
    w.buf[this.base] = this.count >>> 8;
    w.buf[this.base + 1] = this.count & 0xff;
  }

  private writeDod(dod: number): void {
    const w = this as BitWriter;
    if (dod === 0) w.writeBit(false);
    else if (bitRange(dod, 14)) {
      w.writeBits(0b10, 2);
      w.writeBits(dod >>> 0, 14);
    } else if (bitRange(dod, 17)) {
      w.writeBits(0b110, 3);
      w.writeBits(dod >>> 0, 17);
    } else if (bitRange(dod, 20)) {
      w.writeBits(0b1110, 4);
      w.writeBits(dod >>> 0, 20);
    } else {
      w.writeBits(0b1111, 4);
      w.writeBits(Math.floor(dod / TWO_32) >>> 0, 32);
      w.writeBits(dod >>> 0, 32);
    }
  }

  private writeValue(hi: number, lo: number): void {
    const w = this as BitWriter;
    const dHi = (hi ^ this.vHi) >>> 0;
    const dLo = (lo ^ this.vLo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      w.writeBit(false);
      return;
    }
    w.writeBit(true);
    let leading = dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo);
    const trailing = dLo !== 0 ? ctz32(dLo) : 32 + ctz32(dHi);
    if (leading >= 32) leading = 31; // 5 bits hold at most 31
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      w.writeBit(false);
      writeShifted(w, dHi, dLo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    w.writeBit(true);
    w.writeBits(leading, 5);
    const sigbits = 64 - leading - trailing;
    w.writeBits(sigbits & 63, 6); // 64 does not fit; readers map 0 back to 64
    writeShifted(w, dHi, dLo, trailing, sigbits);
  }

  /** Rebuilds the appender state by decoding every sample, as Prometheus' Appender() does. */
  private restoreState(): void {
    const it = new XorIterator(this.bytes());
    while (it.next()) {
      /* decode to the end */
    }
    const e = it.err();
    if (e) throw new RangeError(`cannot append to a corrupt XOR chunk: ${e.message}`, { cause: e });
    this.t = it.t;
    this.tDelta = it.tDelta;
    this.vHi = it.vHi;
    this.vLo = it.vLo;
    this.leading = this.count === 0 ? 0xff : it.leading;
    this.trailing = it.trailing;
    this.bitLen = it.bitPos;
    this.clearTail();
    this.stateStale = false;
  }

  iterator(): XorIterator {
    return new XorIterator(this.bytes());
  }
}

/** Writes bits [shift, shift+n) of hi:lo, most significant first. */
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let sHi: number;
  let sLo: number;
  if (shift === 0) {
    sHi = hi;
    sLo = lo;
  } else if (shift < 32) {
    sLo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    sHi = hi >>> shift;
  } else {
    sLo = hi >>> (shift - 32);
    sHi = 0;
  }
  w.writeBits64(sHi, sLo, n);
}

/**
 * Decodes a chunk. Works on a snapshot of the bytes passed in: the count header
 * is read once, so samples appended later are not seen.
 */
export class XorIterator extends BitReader implements SampleIterator {
  /** The bit reader is the iterator itself: one object per chunk read, not two. */
  private readonly r: BitReader = this;
  private readonly total: number;
  private read = 0;
  private error: Error | undefined;
  /** Current sample; valid after next()/seek() returned true. */
  t = 0;
  v = 0;
  /** Bits of v as two 32-bit halves (exact, NaN payloads included). */
  vHi = 0;
  vLo = 0;
  /** Decoder state, exposed for XorChunk's appender restore. */
  tDelta = 0;
  leading = 0;
  trailing = 0;

  /**
   * @param offset, length where the chunk sits in `bytes` (default: all of it);
   * reading a chunk in place inside a larger page saves a subarray per chunk.
   */
  constructor(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset) {
    super(bytes, offset + HEADER_BYTES, offset + Math.max(length, HEADER_BYTES), offset);
    this.total = length >= HEADER_BYTES ? (bytes[offset]! << 8) | bytes[offset + 1]! : 0;
    if (length < HEADER_BYTES) this.error = new RangeError(`XOR chunk needs at least 2 bytes, got ${length}`);
  }

  /** Bits consumed after the header. */
  get bitPos(): number {
    return this.r.pos;
  }

  /** Why iteration stopped early (corrupt or truncated chunk), if it did. */
  err(): Error | undefined {
    return this.error;
  }

  at(): Sample {
    return { t: this.t, v: this.v };
  }

  seek(t: number): boolean {
    if (this.error) return false;
    while (this.read === 0 || this.t < t) {
      if (!this.next()) return false;
    }
    return true;
  }

  next(): boolean {
    if (this.error || this.read >= this.total) return false;
    try {
      this.decode();
      this.read++;
      return true;
    } catch (e) {
      if (!(e instanceof BitReaderError) && !(e instanceof RangeError)) throw e;
      this.error = new RangeError(`corrupt XOR chunk: sample ${this.read + 1} of ${this.total}: ${e.message}`, {
        cause: e,
      });
      return false;
    }
  }

  private decode(): void {
    const r = this.r;
    if (this.read === 0) {
      this.t = readVarint(r);
      this.vHi = r.readBits(32) | 0;
      this.vLo = r.readBits(32) | 0;
      this.v = fromBits(this.vHi, this.vLo);
      return;
    }
    if (this.read === 1) {
      this.tDelta = readUvarintAsInt64(r);
      this.t += this.tDelta;
      this.readValue();
      return;
    }
    let prefix = 0;
    for (let i = 0; i < 4; i++) {
      prefix <<= 1;
      if (!r.readBit()) break;
      prefix |= 1;
    }
    let dod = 0;
    let sz = 0;
    switch (prefix) {
      case 0b0:
        break;
      case 0b10:
        sz = 14;
        break;
      case 0b110:
        sz = 17;
        break;
      case 0b1110:
        sz = 20;
        break;
      default: {
        const hi = r.readBits(32);
        const lo = r.readBits(32);
        dod = (hi | 0) * TWO_32 + lo;
      }
    }
    if (sz !== 0) {
      const bits = r.readBits(sz);
      // Negative values come back as large unsigned ones (see Prometheus docs/bstream.md).
      dod = bits > 2 ** (sz - 1) ? bits - 2 ** sz : bits;
    }
    this.tDelta += dod;
    this.t += this.tDelta;
    this.readValue();
  }

  private readValue(): void {
    const r = this.r;
    if (!r.readBit()) return; // same value as before
    if (r.readBit()) {
      this.leading = r.readBits(5);
      let mbits = r.readBits(6);
      if (mbits === 0) mbits = 64;
      this.trailing = 64 - this.leading - mbits;
      if (this.trailing < 0) throw new RangeError(`invalid XOR window at byte ${r.byteOffset}`);
    }
    const mbits = 64 - this.leading - this.trailing;
    let hi = 0;
    let lo: number;
    if (mbits > 32) {
      hi = r.readBits(mbits - 32);
      lo = r.readBits(32);
    } else {
      lo = r.readBits(mbits);
    }
    // Shift hi:lo left by trailing.
    const s = this.trailing;
    let xHi: number;
    let xLo: number;
    if (s === 0) {
      xHi = hi;
      xLo = lo;
    } else if (s < 32) {
      xHi = ((hi << s) | (lo >>> (32 - s))) >>> 0;
      xLo = (lo << s) >>> 0;
    } else {
      xHi = (lo << (s - 32)) >>> 0;
      xLo = 0;
    }
    this.vHi ^= xHi;
    this.vLo ^= xLo;
    this.v = fromBits(this.vHi, this.vLo);
  }
}
