/**
 * Blocks written by a running Prometheus server (not promtool): it scrapes
 * itself every second with a 5 s block duration (hidden flags that exist in
 * 2.42), so its head compactor writes real blocks within seconds.
 */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../interface.js';
import { re } from '../labels/index.js';
import { openBlock, type Block } from './block.js';
import { openBlocks } from './block-dir.js';
import { compactBlocks } from './compact.js';
import { drain } from './testing/collect.js';
import { dumpWithPromtool, promtoolKey } from './testing/promtool.js';
import { SCRAPE_SELF, startPrometheusOn } from './testing/prometheus-server.js';

let root: string;
let copy: string;
let blocks: Block[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kp-real-prom-'));
  const data = join(root, 'data');
  const prom = await startPrometheusOn(
    data,
    root,
    ['--storage.tsdb.min-block-duration=5s', '--storage.tsdb.max-block-duration=5s'],
    SCRAPE_SELF,
  );
  try {
    const deadline = Date.now() + 40_000;
    while ((await readdir(data)).filter((d) => /^[0-9A-Z]{26}$/.test(d)).length < 2) {
      if (Date.now() > deadline) throw new Error('prometheus wrote no blocks within 40 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    expect(await prom.stop()).toBe(0);
  }
  // Only the blocks, so promtool dump shows nothing from the head or WAL.
  copy = join(root, 'blocks');
  await mkdir(copy);
  for (const d of (await readdir(data)).filter((x) => /^[0-9A-Z]{26}$/.test(x)))
    await cp(join(data, d), join(copy, d), { recursive: true });
  const opened = await openBlocks(copy);
  expect(opened.problems).toEqual([]);
  blocks = [...opened.blocks];
}, 60_000);

afterAll(async () => {
  await Promise.all(blocks.map((b) => b.close()));
  await rm(root, { recursive: true, force: true });
});

function readAll(bs: readonly Block[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const b of bs) {
    for (const s of b.querier(-Infinity, Infinity).select([re('__name__', '.+')])) {
      const k = promtoolKey(s.labels);
      out.set(k, [...(out.get(k) ?? []), ...drain(s.samples())]);
    }
  }
  return out;
}

describe('blocks written by a running Prometheus', () => {
  it('read back sample for sample as promtool dump shows them', async () => {
    const ours = readAll(blocks);
    const theirs = await dumpWithPromtool(copy);
    expect(ours.size).toBeGreaterThan(100); // Prometheus exports a few hundred series about itself
    expect(ours).toEqual(theirs);
    expect(blocks.reduce((n, b) => n + b.meta.stats.numSamples!, 0)).toBe(
      [...ours.values()].reduce((n, l) => n + l.length, 0),
    );
  });

  it('compact into one block that keeps every sample', async () => {
    const before = readAll(blocks);
    const out = join(root, 'compacted');
    await mkdir(out);
    const r = await compactBlocks(out, blocks);
    if (!r.ok) throw r.error;
    const b = await openBlock(join(out, r.value!.ulid));
    if (!b.ok) throw b.error;
    blocks.push(b.value);
    expect(readAll([b.value])).toEqual(before);
    expect(await dumpWithPromtool(out)).toEqual(before);
  });
});
