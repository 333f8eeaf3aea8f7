import { describe, expect, it } from 'vitest';
import { LabelIdArena } from './label-id-arena.js';

describe('LabelIdArena', () => {
  it('packs id lists, grows, and compacts away freed ones', () => {
    const arena = new LabelIdArena();
    const series = Array.from({ length: 3000 }, (_, i) => {
      const ids = [i, i + 1, i + 2, i + 3];
      return { ids, idsOff: arena.put(ids), idsLen: ids.length };
    });
    expect(arena.slice(series[2999]!.idsOff, 4)).toEqual([2999, 3000, 3001, 3002]);
    const live = series.filter((_, i) => i % 3 === 0);
    for (const s of series) if (!live.includes(s)) arena.free(s.idsLen);
    expect(arena.wasteful).toBe(true);
    arena.compact(live);
    expect(arena.wasteful).toBe(false);
    expect(live[1]!.idsOff).toBe(4);
    for (const s of live) expect(arena.slice(s.idsOff, s.idsLen)).toEqual(s.ids);
    const next = arena.put([7, 8]);
    expect(next).toBe(live.length * 4);
  });
});
