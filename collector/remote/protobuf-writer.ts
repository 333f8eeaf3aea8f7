/**
 * The encoding half of protobuf-reader.ts: a growable buffer that writes
 * fields in the protobuf wire format. Embedded messages are written through a
 * callback so their length prefix can be filled in afterwards.
 */
import { putInt64, varintSize } from './varint.js';

const TWO_32 = 4294967296;
const encoder = new TextEncoder();

export class ProtobufWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  tag(field: number, wireType: 0 | 1 | 2 | 5): this {
    return this.uint64(field * 8 + wireType);
  }

  /** An unsigned varint; `v` must be a non-negative integer ≤ 2^53. */
  uint64(v: number): this {
    this.reserve(10);
    let lo = (v % TWO_32) >>> 0;
    let hi = Math.floor(v / TWO_32) >>> 0;
    while (hi > 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
    return this;
  }

  /** A two's complement int64 varint; negative values take ten bytes as in every protobuf encoder. */
  int64(v: number): this {
    if (v >= 0) return this.uint64(v);
    this.reserve(10);
    this.pos = putInt64(this.buf, this.pos, v);
    return this;
  }

  sint64(v: number): this {
    return this.uint64(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  double(v: number): this {
    this.reserve(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.uint64(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  string(s: string): this {
    return this.bytes(encoder.encode(s));
  }

  /** Writes field `field` as an embedded message whose body `body` writes. */
  message(field: number, body: (w: ProtobufWriter) => void): this {
    this.tag(field, 2);
    // Leave one byte for the length (most messages are < 128 bytes) and move the body if it needs more.
    const lenAt = this.pos;
    this.reserve(1);
    this.pos += 1;
    body(this);
    const len = this.pos - lenAt - 1;
    const lenBytes = varintSize(len);
    if (lenBytes > 1) {
      this.reserve(lenBytes - 1);
      this.buf.copyWithin(lenAt + lenBytes, lenAt + 1, this.pos);
      this.pos += lenBytes - 1;
    }
    const end = this.pos;
    this.pos = lenAt;
    this.uint64(len);
    this.pos = end;
    return this;
  }

  /** Packed repeated doubles (the proto3 default for `repeated double`). */
  packedDouble(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    this.tag(field, 2).uint64(values.length * 8);
    for (const v of values) this.double(v);
    return this;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
