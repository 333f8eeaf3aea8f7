import { uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { snappyCompress, snappyDecompress } from './snappy-block.js';

function pseudoRandomText(n: number, seed: number): Uint8Array {
  // Repetitive enough that the compressor emits copies of every kind, varied enough for literals.
  const words = ['up', 'job', 'instance', '{', '}', '"', 'container_cpu_usage_seconds_total', '1700000000', '\n'];
  const out: number[] = [];
  let x = seed;
  while (out.length < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const w = words[x % words.length] as string;
    for (const c of w) out.push(c.charCodeAt(0));
    if (x % 7 === 0) out.push(x & 0xff);
  }
  return Uint8Array.from(out.slice(0, n));
}

describe('snappy block format', () => {
  it('decompresses what snappyjs compresses, for small and large inputs', () => {
    for (const n of [0, 1, 59, 61, 300, 70_000, 300_000]) {
      const src = pseudoRandomText(n, n + 1);
      const round = snappyDecompress(snappyCompress(src));
      expect(round.ok && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
      // and snappyjs agrees with our own compressor output, so the wrapper is honest
      expect(Buffer.from(uncompress(snappyCompress(src))).equals(Buffer.from(src))).toBe(true);
    }
  });

  it('decompresses into a reused buffer whatever it held before', () => {
    const reused = new Uint8Array(400_000).fill(0xee);
    for (const n of [300_000, 61, 70_000]) {
      const src = pseudoRandomText(n, n + 7);
      const round = snappyDecompress(snappyCompress(src), Number.MAX_SAFE_INTEGER, reused);
      expect(round.ok && round.value.buffer === reused.buffer).toBe(true);
      expect(round.ok && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
    }
    // Too small a buffer is not used.
    const src = pseudoRandomText(1000, 3);
    const round = snappyDecompress(snappyCompress(src), Number.MAX_SAFE_INTEGER, new Uint8Array(10));
    expect(round.ok && round.value.length === 1000 && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
  });

  it('decodes hand-written literals and overlapping copies', () => {
    // length 10, literal "ab", copy-1 len 8 offset 2 -> "ababababab"
    const block = Uint8Array.from([10, 0x04, 0x61, 0x62, 0x01 | ((8 - 4) << 2), 2]);
    const r = snappyDecompress(block);
    expect(r.ok && new TextDecoder().decode(r.value)).toBe('ababababab');
  });

  it('names the byte offset of corrupt input', () => {
    const cases: [number[], string][] = [
      [[0x80], 'snappy: byte 1: truncated length preamble'],
      [[5, 0x10, 0x61], 'snappy: byte 1: literal of 5 bytes runs past the end of the input'],
      [[4, 0x04, 0x61, 0x62, 0x05, 9], 'snappy: byte 4: copy offset 9 points before the start of the output (at 2)'],
      [[2, 0x04, 0x61, 0x62, 0x05, 1], 'snappy: byte 4: copy overflows the declared length 2'],
      [[5, 0x04, 0x61, 0x62], 'snappy: byte 4: input ended after 2 of 5 declared bytes'],
      [[3, 0x02, 1], 'snappy: byte 1: truncated copy'],
    ];
    for (const [bytes, message] of cases) {
      const r = snappyDecompress(Uint8Array.from(bytes));
      expect(r.ok ? 'decoded' : r.error.message).toBe(message);
    }
  });

  it('refuses a block that declares more than the limit before allocating', () => {
    const r = snappyDecompress(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x08]), 1024);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.tooLarge).toBe(true);
      expect(r.error.message).toBe(
        'snappy: byte 0: decompressed size 2147483648 bytes exceeds the limit of 1024 bytes',
      );
    }
  });
});
