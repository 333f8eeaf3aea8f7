import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../interface.js';
import { compareLabels, eq, re } from '../labels/index.js';
import { openBlock, type Block } from './block.js';
import { listBlocks, openBlocks, removeLeftovers } from './block-dir.js';
import { writeBlock } from './block-writer.js';
import { compactBlocks } from './compact.js';
import { cleanTombstones, compactPlanned } from './maintenance.js';
import { exponentialRanges } from './plan.js';
import { selectAll } from './testing/collect.js';
import { dumpWithPromtool, promtool, promtoolKey } from './testing/promtool.js';
import { makeSeries, toBlockInput, type TestSeries } from './testing/sample-series.js';

const H = 3600_000;
const START = 1_700_006_400_000; // a multiple of 2 h
let dir: string;
let opened: Block[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-compact-'));
});
afterEach(async () => {
  await Promise.all(opened.map((b) => b.close()));
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

/** Writes the samples of [from, to) as one block with that exact range, and opens it. */
async function blockOf(series: readonly TestSeries[], from: number, to: number): Promise<Block> {
  const part = series.map((s) => ({ ...s, samples: s.samples.filter((x) => x.t >= from && x.t < to) }));
  const w = await writeBlock(dir, toBlockInput(part), { minTime: from, maxTime: to });
  if (!w.ok) throw w.error;
  const r = await openBlock(join(dir, w.value!.ulid));
  if (!r.ok) throw r.error;
  opened.push(r.value);
  return r.value;
}

async function open(ulid: string): Promise<Block> {
  const r = await openBlock(join(dir, ulid));
  if (!r.ok) throw r.error;
  opened.push(r.value);
  return r.value;
}

const everything = (b: Block) => selectAll(b.querier(-Infinity, Infinity), [re('__name__', '.+')]);
const asExpected = (series: readonly TestSeries[]) =>
  series
    .filter((s) => s.samples.length > 0)
    .map((s) => ({ labels: s.labels, samples: s.samples }))
    .sort((a, b) => compareLabels(a.labels, b.labels));

describe('compactBlocks', () => {
  it('merges consecutive blocks into one higher-level block, copying chunks as they are', async () => {
    const series = makeSeries(START, 15_000, 1400, 8); // ~5.8 h
    const inputs = [
      await blockOf(series, START, START + 2 * H),
      await blockOf(series, START + 2 * H, START + 4 * H),
      await blockOf(series, START + 4 * H, START + 6 * H),
    ];
    const r = await compactBlocks(dir, inputs);
    if (!r.ok) throw r.error;
    const meta = r.value!;
    expect(meta.minTime).toBe(START);
    expect(meta.maxTime).toBe(START + 6 * H);
    expect(meta.compaction.level).toBe(2);
    expect(meta.compaction.sources).toEqual(inputs.map((b) => b.meta.ulid).sort());
    expect(meta.compaction.parents).toEqual(
      inputs.map((b) => ({ ulid: b.meta.ulid, minTime: b.meta.minTime, maxTime: b.meta.maxTime })),
    );
    expect(meta.stats.numChunks).toBe(inputs.reduce((n, b) => n + b.meta.stats.numChunks!, 0));
    expect(meta.stats.numSamples).toBe(series.reduce((n, s) => n + s.samples.length, 0));
    expect(everything(await open(meta.ulid))).toEqual(asExpected(series));

    // Prometheus agrees, even with the inputs still present (it reads overlapping blocks too).
    await Promise.all(opened.splice(0, 3).map((b) => b.close()));
    expect(await removeLeftovers(dir)).toEqual(inputs.map((b) => b.dir));
    expect((await listBlocks(dir)).blocks.map((b) => b.meta.ulid)).toEqual([meta.ulid]);
    const dumped = await dumpWithPromtool(dir);
    for (const s of series) expect(dumped.get(promtoolKey(s.labels))).toEqual(s.samples);
  });

  it('merges overlapping blocks sample by sample, one sample per timestamp', async () => {
    const a: TestSeries[] = [
      { labels: { __name__: 'm', k: 'a' }, samples: [1, 3, 5, 7].map((t) => ({ t: START + t * 1000, v: t })) },
    ];
    const b: TestSeries[] = [
      { labels: { __name__: 'm', k: 'a' }, samples: [2, 3, 4, 8].map((t) => ({ t: START + t * 1000, v: t * 10 })) },
      { labels: { __name__: 'm', k: 'b' }, samples: [{ t: START, v: 1 }] },
    ];
    const blocks = [await blockOf(a, START, START + 2 * H), await blockOf(b, START, START + 2 * H)];
    const r = await compactBlocks(dir, blocks);
    if (!r.ok) throw r.error;
    const merged: Sample[] = [1, 2, 3, 4, 5, 7, 8].map((t) => ({
      t: START + t * 1000,
      v: [2, 4, 8].includes(t) ? t * 10 : t,
    }));
    expect(everything(await open(r.value!.ulid))).toEqual([
      { labels: { __name__: 'm', k: 'a' }, samples: merged },
      { labels: { __name__: 'm', k: 'b' }, samples: [{ t: START, v: 1 }] },
    ]);
  });

  it('leaves deleted samples and wholly deleted series behind', async () => {
    const series = makeSeries(START, 15_000, 900, 4);
    const first = await blockOf(series, START, START + 2 * H);
    const second = await blockOf(series, START + 2 * H, START + 4 * H);
    expect((await first.delete([eq('job', 'db')], START + H, START + 3 * H)).ok).toBe(true);
    expect((await second.delete([eq('job', 'db')], START + H, START + 3 * H)).ok).toBe(true);
    expect((await first.delete([eq('__name__', 'up')], -Infinity, Infinity)).ok).toBe(true);
    const r = await compactBlocks(dir, [first, second]);
    if (!r.ok) throw r.error;
    const want = series
      .filter((s) => s.labels.__name__ !== 'up')
      .map((s) =>
        s.labels.job === 'db' ? { ...s, samples: s.samples.filter((x) => x.t < START + H || x.t > START + 3 * H) } : s,
      );
    const out = await open(r.value!.ulid);
    expect(everything(out)).toEqual(asExpected(want));
    expect(out.tombstones().size).toBe(0);
    expect(r.value!.stats.numSeries).toBe(series.length - 1);
  });
});

describe('cleanTombstones', () => {
  it('rewrites only blocks with deletions, at the same level, and removes the originals', async () => {
    const series = makeSeries(START, 15_000, 900, 2);
    const kept = await blockOf(series, START, START + 2 * H);
    const cleaned = await blockOf(series, START + 2 * H, START + 4 * H);
    await cleaned.delete([re('instance', '.*:9100'), eq('__name__', 'node_load1')], -Infinity, Infinity);
    const before = everything(cleaned);
    const r = await cleanTombstones(dir, [kept, cleaned]);
    if (!r.ok) throw r.error;
    expect(r.value.removed).toEqual([cleaned]);
    expect(r.value.added).toHaveLength(1);
    const added = r.value.added[0]!;
    expect(added.compaction.level).toBe(1);
    expect(added.compaction.sources).toEqual([cleaned.meta.ulid]);
    expect([added.minTime, added.maxTime]).toEqual([cleaned.meta.minTime, cleaned.meta.maxTime]);
    expect(everything(await open(added.ulid))).toEqual(before);
    opened = opened.filter((b) => b !== cleaned);
    expect((await readdir(dir)).sort()).toEqual([added.ulid, kept.meta.ulid].sort());
    const analyze = await promtool('tsdb', 'analyze', dir, added.ulid);
    expect(analyze).toContain(`Series: ${before.length}`);
  });
});

describe('compactPlanned', () => {
  it('compacts a full 6 h window of 2 h blocks, leaving the newest block alone', async () => {
    const series = makeSeries(START, 60_000, 500, 6); // ~8.3 h
    const blocks = [];
    for (let t = START; t < START + 8 * H; t += 2 * H) blocks.push(await blockOf(series, t, t + 2 * H));
    blocks.push(await blockOf(series, START + 8 * H, START + 10 * H));
    const ranges = exponentialRanges(2 * H, 100 * H);
    const r = await compactPlanned(dir, blocks, ranges);
    if (!r.ok) throw r.error;
    expect(r.value.removed).toEqual(blocks.slice(0, 3));
    opened = opened.filter((b) => !r.value.removed.includes(b));
    expect(r.value.added.map((m) => [m.minTime, m.maxTime, m.compaction.level])).toEqual([[START, START + 6 * H, 2]]);
    const { blocks: now, problems } = await openBlocks(dir);
    opened.push(...now);
    expect(problems).toEqual([]);
    expect(now.map((b) => b.meta.minTime)).toEqual([START, START + 6 * H, START + 8 * H]);
    const again = await compactPlanned(dir, now, ranges);
    expect(again.ok && again.value.removed).toEqual([]);
  });
});
