/**
 * A minimal protobuf wire-format reader: just what prometheus.WriteRequest
 * needs (varint, fixed64, fixed32, length-delimited, packed repeated scalars)
 * plus skipping of unknown fields, so a newer sender's additions never break us.
 * Every failure names the byte offset in the (decompressed) message.
 */

export type WireType = 0 | 1 | 2 | 5;

export class ProtobufError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`protobuf: byte ${offset}: ${message}`);
    this.name = 'ProtobufError';
  }
}

const TWO_32 = 4294967296;
const decoder = new TextDecoder('utf-8', { fatal: true });

export class ProtobufReader {
  private pos: number;
  private readonly view: DataView;
  /** The high and low 32 bits of the last varint read (fields, not a returned object: this runs per field). */
  private lo = 0;
  private hi = 0;
  /** Bounds of the last string read by stringSpan(). */
  spanStart = 0;
  spanEnd = 0;

  /** Reads `buf[start, end)`; offsets in errors are relative to the start of `buf`. */
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    private end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  /** The end of the message being read (of the innermost one entered). */
  get limit(): number {
    return this.end;
  }

  /** Moves to `pos`, which the caller has checked lies within the current message. */
  seek(pos: number): void {
    this.pos = pos;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Returns the field number and wire type of the next field. */
  tag(): { readonly field: number; readonly wireType: WireType } {
    const key = this.key();
    return { field: key >>> 3, wireType: (key & 7) as WireType };
  }

  /** The next field's key (field number << 3 | wire type), checked like tag() but without an object per field. */
  key(): number {
    const at = this.pos;
    const key = this.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) throw new ProtobufError(at, 'field number 0 is not allowed');
    if (wireType === 3 || wireType === 4)
      throw new ProtobufError(at, `field ${field}: groups (wire type ${wireType}) are not supported`);
    if (wireType > 5) throw new ProtobufError(at, `field ${field}: invalid wire type ${wireType}`);
    return key;
  }

  /** An unsigned varint that must fit in 32 bits (tags, lengths, enums). */
  uint32(): number {
    // One-byte varints (most tags and short lengths) skip the general loop.
    const p = this.pos;
    if (p < this.end) {
      const b = this.buf[p]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    const v = this.uint64();
    if (v > 0xffffffff) throw new ProtobufError(p, `varint ${v} does not fit in 32 bits`);
    return v;
  }

  /** An unsigned varint as a number; exact up to 2^53. */
  uint64(): number {
    this.varint64();
    return this.hi * TWO_32 + this.lo;
  }

  /** A two's complement int64 varint (protobuf `int64`, e.g. timestamps in ms); exact within ±2^53. */
  int64(): number {
    this.varint64();
    return (this.hi | 0) * TWO_32 + this.lo;
  }

  /** A zig-zag varint (protobuf `sint32`/`sint64`). */
  sint64(): number {
    this.varint64();
    const lo = this.lo;
    const u = this.hi * TWO_32 + lo;
    return lo & 1 ? -(u + 1) / 2 : u / 2;
  }

  bool(): boolean {
    return this.uint64() !== 0;
  }

  double(): number {
    this.need(8, 'fixed64');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The little-endian double at `pos` (checked by the caller), without moving. */
  doubleAt(pos: number): number {
    return this.view.getFloat64(pos, true);
  }

  fixed32(): number {
    this.need(4, 'fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** The bytes of a length-delimited field, as a view (no copy). */
  bytes(): Uint8Array {
    const at = this.pos;
    const len = this.uint32();
    if (len > this.end - this.pos) {
      throw new ProtobufError(at, `length ${len} runs past the end of the message (${this.end - this.pos} bytes left)`);
    }
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    const at = this.pos;
    const b = this.bytes();
    try {
      return decoder.decode(b);
    } catch {
      throw new ProtobufError(at, 'string is not valid UTF-8');
    }
  }

  /**
   * Checks a string field and records its bytes as [spanStart, spanEnd)
   * without decoding it; returns true when it is plain ASCII. Other strings
   * must be valid UTF-8 (checked here, so a bad one fails the whole message as string() would).
   */
  stringSpan(): boolean {
    const at = this.pos;
    const len = this.uint32();
    const start = this.pos;
    if (len > this.end - start) {
      throw new ProtobufError(at, `length ${len} runs past the end of the message (${this.end - start} bytes left)`);
    }
    const stop = start + len;
    this.pos = stop;
    this.spanStart = start;
    this.spanEnd = stop;
    const buf = this.buf;
    for (let i = start; i < stop; i++) {
      if (buf[i]! >= 0x80) {
        try {
          decoder.decode(buf.subarray(start, stop));
        } catch {
          throw new ProtobufError(at, 'string is not valid UTF-8');
        }
        return false;
      }
    }
    return true;
  }

  /**
   * Narrows the reader to the embedded message that follows (no new reader:
   * this runs per label); returns the outer end, which leave() restores.
   */
  enter(): number {
    const at = this.pos;
    const len = this.uint32();
    const outer = this.end;
    if (len > outer - this.pos) {
      throw new ProtobufError(at, `length ${len} runs past the end of the message (${outer - this.pos} bytes left)`);
    }
    this.end = this.pos + len;
    return outer;
  }

  /** Ends an embedded message opened by enter(); the reader stands at its end. */
  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }

  /** A reader over an embedded message; offsets stay relative to the outer buffer. */
  message(): ProtobufReader {
    const at = this.pos;
    const len = this.uint32();
    if (len > this.end - this.pos) {
      throw new ProtobufError(at, `length ${len} runs past the end of the message (${this.end - this.pos} bytes left)`);
    }
    const sub = new ProtobufReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return sub;
  }

  /** Repeated doubles, accepting both the packed (wire type 2) and the unpacked encoding as proto3 requires. */
  repeatedDouble(wireType: WireType, into: number[]): void {
    if (wireType === 1) {
      into.push(this.double());
      return;
    }
    this.expect(wireType, 2, 'packed double');
    const sub = this.message();
    if ((sub.end - sub.pos) % 8 !== 0)
      throw new ProtobufError(sub.pos, 'packed doubles: length is not a multiple of 8');
    while (!sub.done()) into.push(sub.double());
  }

  /** Repeated varints, packed or not; `read` picks the flavour (int64, sint64, …). */
  repeatedVarint(wireType: WireType, into: number[], read: (r: ProtobufReader) => number): void {
    if (wireType === 0) {
      into.push(read(this));
      return;
    }
    this.expect(wireType, 2, 'packed varint');
    const sub = this.message();
    while (!sub.done()) into.push(read(sub));
  }

  /** Checks that a known field arrived with the wire type its schema declares. */
  expect(actual: WireType, wanted: WireType, what: string): void {
    if (actual !== wanted) throw new ProtobufError(this.pos, `${what}: expected wire type ${wanted}, got ${actual}`);
  }

  skip(wireType: WireType): void {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.need(8, 'fixed64');
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.need(4, 'fixed32');
        this.pos += 4;
        return;
      default: {
        const never: never = wireType;
        throw new ProtobufError(this.pos, `invalid wire type ${String(never)}`);
      }
    }
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n)
      throw new ProtobufError(this.pos, `${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  private varint64(): void {
    const at = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError(at, 'truncated varint');
      const b = this.buf[this.pos++] as number;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw new ProtobufError(at, 'varint overflows 64 bits');
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new ProtobufError(at, 'varint longer than 10 bytes');
  }
}
