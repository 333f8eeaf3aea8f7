import { describe, expect, it } from 'vitest';
import { keptBuffer } from './kept-buffer.js';

describe('keptBuffer', () => {
  it('hands out one kept buffer, grown to a larger ask and an eighth more, and its own buffer above the cap', () => {
    const scratch = keptBuffer(1000);
    const first = scratch(100);
    expect(first.length).toBe(112);
    expect(scratch(50)).toBe(first);
    expect(scratch(112)).toBe(first);
    const grown = scratch(800);
    expect(grown).not.toBe(first);
    expect(grown.length).toBe(900);
    expect(scratch(950).length).toBe(1000); // an eighth more would pass the cap
    const kept = scratch(1000);
    const big = scratch(5000);
    expect(big.length).toBe(5000);
    expect(scratch(5000)).not.toBe(big);
    expect(scratch(10)).toBe(kept); // the big ones were not kept
  });
});
