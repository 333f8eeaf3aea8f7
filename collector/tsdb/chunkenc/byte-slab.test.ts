import { describe, expect, it } from 'vitest';
import { ByteSlab } from './byte-slab.js';
import { XorChunk } from './xor-chunk.js';

describe('ByteSlab', () => {
  it('hands out power-of-two slots from shared pages and reuses freed ones zeroed', () => {
    const slab = new ByteSlab();
    const a = slab.alloc(100);
    const b = slab.alloc(20);
    expect([slab.slotSize(100), slab.slotSize(20)]).toEqual([128, 32]);
    expect(slab.page(a)).toBe(slab.page(b));
    expect(slab.offset(b)).toBe(slab.offset(a) + 128);
    slab.page(a).fill(0xff, slab.offset(a), slab.offset(a) + 128);
    slab.free(a, 128);
    const c = slab.alloc(65);
    expect(c).toBe(a);
    expect(
      slab
        .page(c)
        .subarray(slab.offset(c), slab.offset(c) + 128)
        .every((x) => x === 0),
    ).toBe(true);
    const big = slab.alloc(10_000); // too big for a slot: a page of its own
    expect(slab.page(big).length).toBe(10_000);
    slab.free(big, 10_000);
    expect(() => slab.page(big)).toThrow(/not allocated/);
  });

  it('backs growing XOR chunks that encode exactly like standalone ones', () => {
    const slab = new ByteSlab();
    const chunks = [new XorChunk(32, slab), new XorChunk(32, slab)];
    const plain = new XorChunk();
    for (let i = 0; i < 200; i++) {
      // Interleaved growth makes the two chunks trade freed slots.
      chunks[0]!.append(i * 15_000, Math.sin(i));
      chunks[1]!.append(i * 10_000, i);
      plain.append(i * 15_000, Math.sin(i));
    }
    expect(Buffer.from(chunks[0]!.bytes())).toEqual(Buffer.from(plain.bytes()));
    const kept = chunks[0]!.bytes().slice();
    chunks[0]!.release();
    const next = new XorChunk(kept.length, slab);
    next.append(1, 1);
    const it = XorChunk.fromBytes(kept).iterator();
    let n = 0;
    while (it.next()) n++;
    expect(n).toBe(200);
  });
});
