import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBlocksWithPromtool } from './block/testing/promtool.js';
import { openTsdb, type Tsdb, type TsdbOptions } from './index.js';
import { eq } from './labels/matcher.js';
import { HeadTsdb } from './tsdb.js';

const HOUR = 3600_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function open(options: TsdbOptions): Promise<HeadTsdb> {
  const db = await openTsdb(options);
  if (!db.ok) throw db.error;
  expect(db.value).toBeInstanceOf(HeadTsdb);
  return db.value as HeadTsdb;
}

function timestamps(db: Tsdb, pod: string, minT = 0, maxT = 100 * HOUR): number[] {
  const out: number[] = [];
  for (const s of db.querier(minT, maxT).select([eq('pod', pod)])) {
    const it = s.samples();
    while (it.next()) out.push(it.at().t);
  }
  return out;
}

/** 15 s samples for pods a and b over [fromH, toH) hours, committed hour by hour. */
async function fill(db: Tsdb, fromH: number, toH: number): Promise<void> {
  for (let h = fromH; h < toH; h++) {
    const app = db.appender();
    for (let t = h * HOUR; t < (h + 1) * HOUR; t += 15_000) {
      app.append({ __name__: 'cpu', pod: 'a' }, t, t / 1000);
      app.append({ __name__: 'cpu', pod: 'b' }, t, 1);
    }
    const c = await app.commit();
    if (!c.ok) throw c.error;
  }
}

describe('head persistence into blocks', () => {
  it('cuts 2 h blocks once the head spans 3 h, truncates the head and still answers every query', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kp-blocks-'));
    dirs.push(dir);
    const db = await open({ dir });
    await fill(db, 0, 7);
    await db.settled();
    expect(db.blocks.map((b) => [b.meta.minTime / HOUR, b.meta.maxTime / HOUR])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(db.head.minT).toBe(4 * HOUR);
    const all = Array.from({ length: 7 * 240 }, (_, i) => i * 15_000);
    expect(timestamps(db, 'a')).toEqual(all);
    expect(timestamps(db, 'b', HOUR, 5 * HOUR)).toEqual(all.filter((t) => t >= HOUR && t <= 5 * HOUR));
    expect(db.querier(0, 7 * HOUR).labelValues('pod')).toEqual(['a', 'b']);
    // Persisted ranges are closed for appends now.
    const late = db.appender().append({ __name__: 'cpu', pod: 'c' }, HOUR, 1);
    expect(!late.ok && late.error.kind).toBe('out_of_bounds');

    // Prometheus' own tool reads the blocks: 2 series x 480 samples each.
    const listed = await listBlocksWithPromtool(dir);
    expect(listed.map((b) => [b.numSeries, b.numSamples])).toEqual([
      [2, 960],
      [2, 960],
    ]);

    await db.deleteSeries([eq('pod', 'b')], 0, 5 * HOUR);
    const before = db.blocks.map((b) => b.meta.ulid);
    const cleaned = await db.cleanTombstones();
    expect(cleaned.ok && cleaned.value).toBe(2);
    expect(db.blocks.map((b) => b.meta.ulid)).not.toEqual(before);
    expect((await listBlocksWithPromtool(dir)).map((b) => b.numSamples)).toEqual([480, 480]);
    await db.close();
    const again = await open({ dir });
    expect(again.blocks).toHaveLength(2);
    expect(timestamps(again, 'a')).toEqual(all);
    expect(timestamps(again, 'b')).toEqual(all.filter((t) => t > 5 * HOUR));
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp-for-creation'))).toEqual([]);
    await again.close();
  });

  it('compacts persisted blocks and keeps serving queriers made before the compaction', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kp-compact-'));
    dirs.push(dir);
    // A 1 h chunk range makes compaction ranges of 1 h, 3 h, 9 h...
    const db = await open({ dir, chunkRangeMs: HOUR });
    const minute = async (fromMin: number, toMin: number) => {
      const app = db.appender();
      for (let m = fromMin; m < toMin; m++) app.append({ __name__: 'g', pod: 'a' }, m * 60_000, m);
      await app.commit();
    };
    for (let h = 0; h < 3; h++) await minute(h * 60, (h + 1) * 60);
    await db.settled();
    expect(db.blocks.map((b) => b.meta.minTime / HOUR)).toEqual([0, 1]);
    const early = db.querier(0, 100 * HOUR);
    for (let h = 3; h < 6; h++) await minute(h * 60, (h + 1) * 60);
    await db.settled();
    const levels = db.blocks.map((b) => [b.meta.minTime / HOUR, b.meta.maxTime / HOUR, b.meta.compaction.level]);
    expect(levels).toEqual([
      [0, 3, 2],
      [3, 4, 1],
      [4, 5, 1],
    ]);
    const read = (q: ReturnType<Tsdb['querier']>): number => {
      let n = 0;
      for (const s of q.select([eq('pod', 'a')])) {
        const it = s.samples();
        while (it.next()) n++;
      }
      return n;
    };
    expect(read(early)).toBe(3 * 60); // its blocks were replaced, but are still open
    expect(read(db.querier(0, 100 * HOUR))).toBe(6 * 60);
    await db.close();
  });
});
