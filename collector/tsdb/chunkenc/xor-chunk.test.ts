import { describe, expect, it } from 'vitest';
import { XorChunk } from './xor-chunk.js';
import { STALE_NAN, fromBits, isStaleNaN } from './float-bits.js';

const bitsOf = (v: number): string => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
};

function roundTrip(samples: ReadonlyArray<readonly [number, number]>): Array<[number, string]> {
  const c = new XorChunk();
  for (const [t, v] of samples) c.append(t, v);
  expect(c.numSamples).toBe(samples.length);
  const out: Array<[number, string]> = [];
  const it = XorChunk.fromBytes(c.bytes()).iterator();
  while (it.next()) out.push([it.t, bitsOf(it.v)]);
  expect(it.err()).toBeUndefined();
  return out;
}

const expected = (samples: ReadonlyArray<readonly [number, number]>) => samples.map(([t, v]) => [t, bitsOf(v)]);

describe('XorChunk', () => {
  it('writes the exact Prometheus byte layout', () => {
    const c = new XorChunk();
    c.append(1000, 1);
    c.append(2000, 1);
    c.append(3000, 2);
    // Worked by hand from xor.go: count 3; varint(1000)=d0 0f; 1.0; uvarint(1000)=e8 07;
    // '0' same value; '0' dod; '1','1', leading=00001, sigbits=001011, 11 ones.
    expect(Buffer.from(c.bytes()).toString('hex')).toBe('0003d00f3ff0000000000000e8073097ffc0');
  });

  it('round-trips special values bit-exact', () => {
    // Values go in as call arguments, not through an array literal: V8 stores
    // number arrays as raw doubles and quiets signalling NaNs on the way in.
    const c = new XorChunk();
    c.append(0, 0);
    c.append(1, -0);
    c.append(2, NaN);
    c.append(3, STALE_NAN);
    c.append(4, Infinity);
    c.append(5, -Infinity);
    c.append(6, STALE_NAN);
    c.append(7, 1.5);
    c.append(8, fromBits(0x7ff80000, 0x12345678));
    c.append(9, Number.MIN_VALUE);
    c.append(10, -Number.MAX_VALUE);
    const it = XorChunk.fromBytes(c.bytes()).iterator();
    const got: string[] = [];
    while (it.next()) got.push(`${it.t}:${bitsOf(it.v)}`);
    expect(got).toEqual([
      '0:0000000000000000',
      '1:8000000000000000',
      `2:${bitsOf(NaN)}`,
      '3:7ff0000000000002',
      '4:7ff0000000000000',
      '5:fff0000000000000',
      '6:7ff0000000000002',
      '7:3ff8000000000000',
      '8:7ff8000012345678',
      '9:0000000000000001',
      '10:ffefffffffffffff',
    ]);
    const again = XorChunk.fromBytes(c.bytes()).iterator();
    expect(again.seek(3)).toBe(true);
    expect(isStaleNaN(again.v)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
  });

  it('round-trips every delta-of-delta bucket and large timestamp jumps', () => {
    const ts = [
      1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000, 1_700_000_030_001, 1_700_000_038_193, 1_700_000_038_194,
      1_700_000_100_000, 1_700_000_600_000, 1_700_001_000_000, 1_800_000_000_000, 1_800_000_000_001, 1_800_000_000_002,
      2_000_000_000_000, 2_000_000_000_000,
    ];
    // Exercise the bucket edges exactly: +8192 (14 bits), -8191, 65536 (17), 524288 (20).
    const base = 10_000_000;
    const edges = [base, base + 10, base + 20 + 8192, base + 30 + 8192 + 8192 - 8191];
    let last = edges[edges.length - 1]!;
    let delta = 10 + 8192 - 8191;
    for (const d of [65536, -65535, 524288, -524287, 524289, -10_000_000_000]) {
      delta += d;
      last += delta;
      edges.push(last);
    }
    for (const series of [ts, edges]) {
      const samples = series.map((t, i) => [t, i * 0.1] as [number, number]);
      expect(roundTrip(samples)).toEqual(expected(samples));
    }
  });

  it('round-trips a negative first timestamp and a backwards second delta', () => {
    const samples: Array<[number, number]> = [
      [-5_000, 1],
      [-10_000, 2],
      [0, 3],
      [-1, 4],
    ];
    expect(roundTrip(samples)).toEqual(expected(samples));
  });

  it('round-trips random values and keeps appending after fromBytes', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples: Array<[number, number]> = [];
    let t = 1_600_000_000_000;
    for (let i = 0; i < 500; i++) {
      t += 1 + Math.floor(rnd() * 30_000);
      const kind = i % 5;
      samples.push([t, kind === 0 ? rnd() * 1e9 : kind === 1 ? Math.floor(rnd() * 100) : kind === 2 ? i : -rnd()]);
    }
    const first = new XorChunk();
    for (const [st, v] of samples.slice(0, 250)) first.append(st, v);
    const resumed = XorChunk.fromBytes(first.bytes());
    for (const [st, v] of samples.slice(250)) resumed.append(st, v);
    const whole = new XorChunk();
    for (const [st, v] of samples) whole.append(st, v);
    expect(Buffer.from(resumed.bytes())).toEqual(Buffer.from(whole.bytes()));
    expect(roundTrip(samples)).toEqual(expected(samples));
  });

  it('seeks to the first sample at or after t', () => {
    const c = new XorChunk();
    for (let i = 0; i < 10; i++) c.append(i * 10, i);
    const it = c.iterator();
    expect(it.seek(35)).toBe(true);
    expect(it.at()).toEqual({ t: 40, v: 4 });
    expect(it.seek(20)).toBe(true); // never moves backwards
    expect(it.at()).toEqual({ t: 40, v: 4 });
    expect(it.next()).toBe(true);
    expect(it.at()).toEqual({ t: 50, v: 5 });
    expect(it.seek(1000)).toBe(false);
  });

  it('reports a truncated chunk as an iterator error with the byte offset', () => {
    const c = new XorChunk();
    for (let i = 0; i < 20; i++) c.append(i * 1000, Math.sqrt(i));
    const cut = XorChunk.fromBytes(c.bytes().slice(0, 12));
    const it = cut.iterator();
    let n = 0;
    while (it.next()) n++;
    expect(n).toBeLessThan(20);
    expect(it.err()?.message).toMatch(/corrupt XOR chunk: sample \d+ of 20: unexpected end of chunk data at byte 1\d/);
    expect(() => cut.append(1e6, 1)).toThrow(/corrupt XOR chunk/);
  });

  it('compacts to the exact byte length', () => {
    const c = new XorChunk();
    for (let i = 0; i < 120; i++) c.append(i * 15_000, 1);
    const before = Buffer.from(c.bytes());
    c.compact();
    expect(Buffer.from(c.bytes())).toEqual(before);
    expect(c.bytes().buffer.byteLength).toBe(before.length);
  });
});
