import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBlock } from './block-writer.js';
import { dumpWithPromtool, listBlocksWithPromtool, promtool, promtoolKey } from './testing/promtool.js';
import { makeSeries, toBlockInput, toChunks } from './testing/sample-series.js';

const START = 1_700_000_000_000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-block-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeBlock read back by the real promtool', () => {
  it('lists, analyzes and dumps exactly what was written', async () => {
    const series = makeSeries(START, 15_000, 480, 42);
    const r = await writeBlock(dir, toBlockInput(series));
    if (!r.ok) throw r.error;
    const meta = r.value!;
    const totalSamples = series.reduce((n, s) => n + s.samples.length, 0);
    const lastT = Math.max(...series.map((s) => s.samples[s.samples.length - 1]!.t));
    const totalChunks = series.reduce((n, s) => n + Math.ceil(s.samples.length / 120), 0);
    expect(meta.stats).toEqual({ numSamples: totalSamples, numSeries: series.length, numChunks: totalChunks });

    const listed = await listBlocksWithPromtool(dir);
    expect(listed).toEqual([
      {
        ulid: meta.ulid,
        minTime: START,
        maxTime: lastT + 1,
        numSamples: totalSamples,
        numChunks: totalChunks,
        numSeries: series.length,
      },
    ]);

    const analyze = await promtool('tsdb', 'analyze', dir);
    expect(analyze).toContain(`Block ID: ${meta.ulid}`);
    expect(analyze).toContain(`Series: ${series.length}`);
    // __name__, code, instance, job
    expect(analyze).toContain('Label names: 4');
    const pairs = series.flatMap((s) => Object.entries(s.labels).map(([k, v]) => `${k}=${v}`));
    expect(analyze).toContain(`Postings (unique label pairs): ${new Set(pairs).size}`);
    expect(analyze).toContain(`Postings entries (total label pairs): ${pairs.length}`);

    const dumped = await dumpWithPromtool(dir);
    expect(dumped.size).toBe(series.length);
    for (const s of series) {
      const got = dumped.get(promtoolKey(s.labels));
      expect(got, promtoolKey(s.labels)).toEqual(s.samples);
    }
  });

  it('splits chunks across segment files and still reads back whole', async () => {
    const series = makeSeries(START, 10_000, 300, 7);
    const r = await writeBlock(dir, toBlockInput(series, 30), { segmentMaxBytes: 2048 });
    if (!r.ok) throw r.error;
    const segments = await readdir(join(dir, r.value!.ulid, 'chunks'));
    expect(segments.length).toBeGreaterThan(2);
    expect(segments[0]).toBe('000001');
    const dumped = await dumpWithPromtool(dir);
    for (const s of series) expect(dumped.get(promtoolKey(s.labels))).toEqual(s.samples);
  });

  it('keeps special float values bit-exact enough for promtool to print them', async () => {
    const samples = [
      { t: START, v: Infinity },
      { t: START + 1000, v: -Infinity },
      { t: START + 2000, v: -0.000123 },
      { t: START + 3000, v: 1.5e300 },
      { t: START + 4000, v: 123456789.125 },
    ];
    const r = await writeBlock(dir, [{ labels: { __name__: 'edge' }, chunks: toChunks(samples) }]);
    if (!r.ok) throw r.error;
    expect((await dumpWithPromtool(dir)).get('{__name__="edge"}')).toEqual(samples);
  });
});

describe('writeBlock input checks', () => {
  it('names the series whose chunks overlap and leaves no directory behind', async () => {
    const a = toChunks([
      { t: 1000, v: 1 },
      { t: 2000, v: 2 },
    ]);
    const b = toChunks([{ t: 2000, v: 3 }]);
    const r = await writeBlock(dir, [{ labels: { __name__: 'x', pod: 'p' }, chunks: [...a, ...b] }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe(
      `series {__name__="x", pod="p"}: chunk 1 starts at 2000, not after the previous chunk's end 2000`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a label set given twice, even with its labels in another order', async () => {
    const c = toChunks([{ t: 1000, v: 1 }]);
    const r = await writeBlock(dir, [
      { labels: { a: '1', b: '2' }, chunks: c },
      { labels: { b: '2', a: '1' }, chunks: c },
    ]);
    expect(r.ok ? 'ok' : r.error.message).toBe('series {a="1", b="2"} is given twice');
  });

  it('streams input marked sorted and refuses it out of order, leaving nothing behind', async () => {
    const c = toChunks([{ t: 1000, v: 1 }]);
    const inOrder = await writeBlock(
      dir,
      [
        { labels: { a: '1' }, chunks: c },
        { labels: { a: '2' }, chunks: c },
      ],
      { sorted: true },
    );
    expect(inOrder.ok && inOrder.value!.stats.numSeries).toBe(2);
    await rm(join(dir, inOrder.ok ? inOrder.value!.ulid : ''), { recursive: true });
    const r = await writeBlock(
      dir,
      [
        { labels: { a: '2' }, chunks: c },
        { labels: { a: '1' }, chunks: c },
      ],
      { sorted: true },
    );
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'series {a="1"} comes after {a="2"}; sorted input must be in label order',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes nothing when there are no samples', async () => {
    const r = await writeBlock(dir, [{ labels: { a: '1' }, chunks: [] }]);
    expect(r).toEqual({ ok: true, value: null });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a write failure as a value naming the block path', async () => {
    const missing = join(dir, 'nope', 'deeper');
    await rm(join(dir, 'nope'), { force: true });
    // A file where the parent directory should be makes mkdir fail.
    await (await import('node:fs/promises')).writeFile(join(dir, 'nope'), 'x');
    const r = await writeBlock(missing, [{ labels: { a: '1' }, chunks: toChunks([{ t: 1, v: 1 }]) }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^writing block .*nope\/deeper\/[0-9A-Z]{26} failed: /);
    expect((await stat(join(dir, 'nope'))).isFile()).toBe(true);
  });

  it('refuses a block range that does not hold the samples', async () => {
    const r = await writeBlock(dir, [{ labels: { a: '1' }, chunks: toChunks([{ t: 5000, v: 1 }]) }], {
      minTime: 0,
      maxTime: 5000,
    });
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'block range [0, 5000) does not contain series {a="1"}\'s chunk [5000, 5000]',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
