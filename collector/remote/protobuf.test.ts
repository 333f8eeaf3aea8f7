import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtobufReader } from './protobuf-reader.js';
import { ProtobufWriter } from './protobuf-writer.js';

describe('protobuf wire format', () => {
  it('round-trips varints, int64 (negative too), zig-zag and doubles', () => {
    const ints = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 1_700_000_000_123, Number.MAX_SAFE_INTEGER];
    const signed = [-1, -2, -128, -(2 ** 31), -1_700_000_000_123, -(2 ** 52)];
    const doubles = [0, -0, 1.5, -2.25e300, Infinity, -Infinity, 5e-324];
    const w = new ProtobufWriter();
    for (const v of ints) w.uint64(v);
    for (const v of signed) w.int64(v);
    for (const v of [...ints, ...signed]) w.sint64(v);
    for (const v of doubles) w.double(v);
    const r = new ProtobufReader(w.finish());
    expect(ints.map(() => r.uint64())).toEqual(ints);
    expect(signed.map(() => r.int64())).toEqual(signed);
    expect([...ints, ...signed].map(() => r.sint64())).toEqual([...ints, ...signed]);
    expect(doubles.map(() => r.double())).toEqual(doubles);
    expect(r.done()).toBe(true);
  });

  it('encodes negative int64 in ten bytes like protoc', () => {
    // protoc encodes int64 -1 as ff ff ff ff ff ff ff ff ff 01
    expect([...new ProtobufWriter().int64(-1).finish()]).toEqual([...new Array<number>(9).fill(0xff), 0x01]);
    expect([...new ProtobufWriter().uint64(300).finish()]).toEqual([0xac, 0x02]);
  });

  it('writes embedded messages whose length needs more than one byte', () => {
    const long = 'x'.repeat(1000);
    const w = new ProtobufWriter()
      .message(1, (m) => m.tag(2, 2).string(long))
      .tag(3, 0)
      .uint64(7);
    const r = new ProtobufReader(w.finish());
    expect(r.tag()).toEqual({ field: 1, wireType: 2 });
    const sub = r.message();
    expect(sub.tag()).toEqual({ field: 2, wireType: 2 });
    expect(sub.string()).toBe(long);
    expect(r.tag()).toEqual({ field: 3, wireType: 0 });
    expect(r.uint64()).toBe(7);
  });

  it('reads packed and unpacked repeated scalars alike', () => {
    const packed = new ProtobufWriter().packedDouble(10, [1, 2.5, -3]).finish();
    const r = new ProtobufReader(packed);
    const out: number[] = [];
    const t = r.tag();
    r.repeatedDouble(t.wireType, out);
    expect(out).toEqual([1, 2.5, -3]);

    const unpacked = new ProtobufWriter().tag(9, 0).sint64(-4).tag(9, 0).sint64(5).finish();
    const r2 = new ProtobufReader(unpacked);
    const ints: number[] = [];
    while (!r2.done()) r2.repeatedVarint(r2.tag().wireType, ints, (x) => x.sint64());
    expect(ints).toEqual([-4, 5]);

    const packedInts = new ProtobufWriter()
      .tag(9, 2)
      .bytes(new ProtobufWriter().sint64(-4).sint64(5).finish())
      .finish();
    const r3 = new ProtobufReader(packedInts);
    const ints3: number[] = [];
    r3.repeatedVarint(r3.tag().wireType, ints3, (x) => x.sint64());
    expect(ints3).toEqual([-4, 5]);
  });

  it('skips every wire type', () => {
    const w = new ProtobufWriter().tag(1, 0).uint64(99999).tag(2, 1).double(1).tag(3, 2).string('abc');
    const bytes = [...w.finish(), (4 << 3) | 5, 1, 2, 3, 4, (5 << 3) | 0, 42];
    const r = new ProtobufReader(Uint8Array.from(bytes));
    for (let i = 0; i < 4; i++) r.skip(r.tag().wireType);
    expect(r.tag().field).toBe(5);
    expect(r.uint64()).toBe(42);
  });

  it('reports the byte offset of malformed input', () => {
    const truncated = new ProtobufReader(Uint8Array.from([0x0a, 0x05, 0x61]));
    truncated.tag();
    expect(() => truncated.bytes()).toThrow(
      new ProtobufError(1, 'length 5 runs past the end of the message (1 bytes left)'),
    );
    const varint = new ProtobufReader(Uint8Array.from([0x08, 0x80, 0x80]));
    expect(varint.tag()).toEqual({ field: 1, wireType: 0 });
    expect(() => varint.uint64()).toThrow('protobuf: byte 1: truncated varint');
    expect(() => new ProtobufReader(Uint8Array.from([0x0b])).tag()).toThrow(
      'protobuf: byte 0: field 1: groups (wire type 3) are not supported',
    );
    expect(() => new ProtobufReader(Uint8Array.from([0x0f])).tag()).toThrow(
      'protobuf: byte 0: field 1: invalid wire type 7',
    );
    expect(() => new ProtobufReader(Uint8Array.from([0x00])).tag()).toThrow(
      'protobuf: byte 0: field number 0 is not allowed',
    );
    const badUtf8 = new ProtobufReader(Uint8Array.from([0x0a, 0x01, 0x02, 0xc3, 0x28]), 2);
    expect(() => badUtf8.string()).toThrow('protobuf: byte 2: string is not valid UTF-8');
  });
});
