import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENCODING_XOR, XorChunk } from './xor-chunk.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/tsdb/xor-golden');

/** Splits a Prometheus chunk segment file (tsdb/docs/format/chunks.md) into its chunks' data. */
function chunksOf(file: string): Uint8Array[] {
  const b = readFileSync(path.join(dir, file));
  expect(b.readUInt32BE(0)).toBe(0x85bd40dd);
  const out: Uint8Array[] = [];
  let off = 8;
  while (off < b.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const byte = b[off++]!;
      len += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    expect(b[off]).toBe(ENCODING_XOR);
    out.push(new Uint8Array(b.subarray(off + 1, off + 1 + len)));
    off += 1 + len + 4; // encoding byte, data, CRC32
  }
  return out;
}

function inputSamples(): Array<{ t: number; v: number }> {
  const text = readFileSync(path.join(dir, 'input.om'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('golden_metric{'))
    .map((l) => {
      const [, v, ts] = l.split(' ');
      return { t: Math.round(Number(ts) * 1000), v: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) };
    });
}

describe('XOR chunks written by Prometheus (promtool create-blocks-from)', () => {
  const files = ['block1.chunks', 'block2.chunks', 'block3.chunks', 'block4.chunks'];
  const chunks = files.flatMap(chunksOf);

  it('decode to the samples that went in', () => {
    const got: Array<{ t: number; v: number }> = [];
    for (const c of chunks) {
      const it = XorChunk.fromBytes(c).iterator();
      while (it.next()) got.push({ t: it.t, v: it.v });
      expect(it.err()).toBeUndefined();
    }
    got.sort((a, b) => a.t - b.t);
    expect(got).toEqual(inputSamples());
  });

  it('re-encode to identical bytes', () => {
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      const it = XorChunk.fromBytes(c).iterator();
      const mine = new XorChunk();
      while (it.next()) mine.append(it.t, it.v);
      expect(Buffer.from(mine.bytes()).toString('hex')).toBe(Buffer.from(c).toString('hex'));
    }
  });
});
