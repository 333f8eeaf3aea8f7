/**
 * Randomised check against a reference model: whatever the store accepts must
 * read back exactly (first accepted sample per timestamp wins, deletions hide
 * samples, also ones appended later), through any window and seek, before and
 * after a reopen from the WAL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTsdb, type Tsdb } from './index.js';
import { eq } from './labels/matcher.js';
import type { HeadTsdb } from './tsdb.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Model {
  samples: Map<string, Map<number, number>>;
  deleted: Map<string, Array<[number, number]>>;
}

function expected(m: Model, pod: string, minT: number, maxT: number): Array<[number, number]> {
  const del = m.deleted.get(pod) ?? [];
  return [...(m.samples.get(pod) ?? new Map<number, number>())]
    .filter(([t]) => t >= minT && t <= maxT && !del.some(([a, b]) => t >= a && t <= b))
    .sort((a, b) => a[0] - b[0]);
}

function actual(db: Tsdb, pod: string, minT: number, maxT: number, seekTo?: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of db.querier(minT, maxT).select([eq('pod', pod)])) {
    const it = s.samples();
    let more = seekTo === undefined ? it.next() : it.seek(seekTo);
    while (more) {
      out.push([it.at().t, it.at().v]);
      more = it.next();
    }
  }
  return out;
}

async function run(seed: number, dir: string | undefined, chunkRangeMs?: number): Promise<void> {
  const rand = rng(seed);
  const pods = ['a', 'b', 'c', 'd'];
  const options = { dir, chunkRangeMs, outOfOrderWindowMs: seed % 2 === 0 ? 600_000 : 0 };
  const opened = await openTsdb(options);
  if (!opened.ok) throw opened.error;
  let db = opened.value;
  const m: Model = { samples: new Map(), deleted: new Map() };
  const last = new Map<string, number>();
  for (let op = 0; op < 250; op++) {
    const r = rand();
    if (r < 0.08) {
      const pod = pods[Math.floor(rand() * pods.length)]!;
      const a = Math.floor(rand() * 3_000) * 1000;
      const b = a + Math.floor(rand() * 300) * 1000;
      await db.deleteSeries([eq('pod', pod)], a, b);
      (m.deleted.get(pod) ?? m.deleted.set(pod, []).get(pod)!).push([a, b]);
      continue;
    }
    const app = db.appender();
    const accepted: Array<[string, number, number]> = [];
    for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) {
      const pod = pods[Math.floor(rand() * pods.length)]!;
      const base = last.get(pod) ?? 1_000_000;
      const jitter = rand();
      // Mostly forward, sometimes a repeat, sometimes back in time (near or far).
      const t =
        jitter < 0.7
          ? base + Math.floor(rand() * 30) * 1000
          : jitter < 0.85
            ? base
            : base - Math.floor(rand() * 900) * 1000;
      const v = rand() < 0.2 ? 7 : Math.floor(rand() * 100);
      const res = app.append({ __name__: 'm', pod }, t, v);
      if (res.ok) {
        accepted.push([pod, t, v]);
        if (t > base) last.set(pod, t);
      }
    }
    if (rand() < 0.15) {
      app.rollback();
      continue;
    }
    const c = await app.commit();
    if (!c.ok) throw c.error;
    for (const [pod, t, v] of accepted) {
      const series = m.samples.get(pod) ?? m.samples.set(pod, new Map()).get(pod)!;
      if (!series.has(t)) series.set(t, v);
    }
    if (dir !== undefined && op % 100 === 99) {
      await db.close();
      const again = await openTsdb(options);
      if (!again.ok) throw again.error;
      db = again.value;
    }
  }
  // The run must have exercised what it claims to check.
  if (chunkRangeMs === undefined) expect(db.stats().samplesAppended).toBeGreaterThan(200);
  if (options.outOfOrderWindowMs > 0 && dir === undefined)
    expect(db.stats().outOfOrderSamplesAppended).toBeGreaterThan(10);
  if (chunkRangeMs !== undefined) {
    await (db as HeadTsdb).settled();
    expect((db as HeadTsdb).blocks.length).toBeGreaterThan(1);
  }
  for (const pod of pods) {
    expect(actual(db, pod, 0, 1e12)).toEqual(expected(m, pod, 0, 1e12));
    for (let q = 0; q < 5; q++) {
      const minT = 1_000_000 + Math.floor(rand() * 2_000) * 1000;
      const maxT = minT + Math.floor(rand() * 1_000) * 1000;
      const seekTo = minT + Math.floor(rand() * 500) * 1000;
      expect(actual(db, pod, minT, maxT)).toEqual(expected(m, pod, minT, maxT));
      expect(actual(db, pod, minT, maxT, seekTo)).toEqual(expected(m, pod, seekTo, maxT));
    }
  }
  await db.close();
}

describe('tsdb against a reference model', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}, in memory`, () => run(seed, undefined));
    it(`seed ${seed}, with WAL and reopens`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kp-model-'));
      dirs.push(dir);
      await run(seed, dir);
    });
    it(`seed ${seed}, persisting 2-minute blocks as it goes`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kp-model-blocks-'));
      dirs.push(dir);
      await run(seed, dir, 120_000);
    });
  }
});
