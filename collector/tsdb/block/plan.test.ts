import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBlock } from './block-writer.js';
import { applyRetention } from './maintenance.js';
import type { BlockMeta } from './meta.js';
import { beyondRetention, exponentialRanges, planCompaction, type PlannedBlock } from './plan.js';
import { toChunks } from './testing/sample-series.js';

const H = 3600_000;
let n = 0;
function block(minH: number, maxH: number, extra: Partial<BlockMeta> = {}): PlannedBlock {
  const ulid = `01H000000000000000000000${String(n++).padStart(2, '0')}`;
  return {
    dir: `/data/${ulid}`,
    meta: {
      ulid,
      minTime: minH * H,
      maxTime: maxH * H,
      stats: { numSeries: 100 },
      compaction: { level: 1 },
      version: 1,
      ...extra,
    },
  };
}
const ranges = exponentialRanges(2 * H, 200 * H);
const spans = (bs: readonly PlannedBlock[]) => bs.map((b) => [b.meta.minTime / H, b.meta.maxTime / H]);

describe('exponentialRanges', () => {
  it('starts at 2 h and triples, as Prometheus does', () => {
    expect(ranges.map((r) => r / H)).toEqual([2, 6, 18, 54, 162]);
  });
});

describe('planCompaction', () => {
  it('waits until a window is full or the newest block lies beyond it', () => {
    expect(planCompaction([block(0, 2), block(2, 4)], ranges)).toEqual([]);
    expect(planCompaction([block(0, 2), block(2, 4), block(4, 6)], ranges)).toEqual([]); // newest excluded
    expect(spans(planCompaction([block(0, 2), block(2, 4), block(4, 6), block(6, 8)], ranges))).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    // A gap: the window is not full, but a newer block starts after it.
    expect(spans(planCompaction([block(0, 2), block(4, 6), block(8, 10)], ranges))).toEqual([
      [0, 2],
      [4, 6],
    ]);
  });

  it('merges overlapping blocks first', () => {
    expect(spans(planCompaction([block(0, 6), block(6, 8), block(7, 9), block(20, 22)], ranges))).toEqual([
      [6, 8],
      [7, 9],
    ]);
  });

  it('climbs levels: three 6 h blocks make an 18 h one', () => {
    expect(spans(planCompaction([block(0, 6), block(6, 12), block(12, 18), block(18, 20)], ranges))).toEqual([
      [0, 6],
      [6, 12],
      [12, 18],
    ]);
  });

  it('skips windows holding a block whose compaction failed', () => {
    const failed = block(2, 4, { compaction: { level: 1, failed: true } });
    expect(planCompaction([block(0, 2), failed, block(4, 6), block(6, 8)], ranges)).toEqual([]);
  });

  it('rewrites a large block whose tombstones touch over 5 % of its series', () => {
    const big = block(0, 54, { stats: { numSeries: 100, numTombstones: 6 } });
    expect(planCompaction([big, block(54, 56)], ranges)).toEqual([big]);
    const few = block(0, 54, { stats: { numSeries: 100, numTombstones: 5 } });
    expect(planCompaction([few, block(54, 56)], ranges)).toEqual([]);
  });
});

describe('beyondRetention', () => {
  const bs = [block(0, 2), block(2, 4), block(4, 6), block(6, 8)];
  it('drops blocks whose every sample is older than the retention', () => {
    expect(spans(beyondRetention(bs, { nowMs: 9 * H, retentionMs: 5 * H }, () => 0))).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(beyondRetention(bs, { nowMs: 9 * H, retentionMs: 9 * H }, () => 0)).toEqual([]);
  });

  it('drops the oldest blocks until the rest fits the byte budget', () => {
    const size = () => 100;
    expect(spans(beyondRetention(bs, { nowMs: 0, maxBytes: 250 }, size))).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(spans(beyondRetention(bs, { nowMs: 0, maxBytes: 250, extraBytes: 60 }, size))).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(beyondRetention(bs, { nowMs: 0, maxBytes: 400 }, size)).toEqual([]);
  });
});

describe('applyRetention', () => {
  it('deletes the block directories beyond retention and says which', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kp-retention-'));
    try {
      const ulids: string[] = [];
      for (let h = 0; h < 8; h += 2) {
        const w = await writeBlock(dir, [{ labels: { a: 'b' }, chunks: toChunks([{ t: h * H, v: 1 }]) }], {
          minTime: h * H,
          maxTime: (h + 2) * H,
        });
        if (!w.ok) throw w.error;
        ulids.push(w.value!.ulid);
      }
      const closed: string[] = [];
      const r = await applyRetention(dir, { nowMs: 9 * H, retentionMs: 5 * H }, (u) => {
        closed.push(u);
        return Promise.resolve();
      });
      if (!r.ok) throw r.error;
      expect(r.value.map((m) => m.ulid)).toEqual(ulids.slice(0, 2));
      expect(closed).toEqual(ulids.slice(0, 2));
      expect((await readdir(dir)).sort()).toEqual(ulids.slice(2).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
