import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { STALE_NAN, isStaleNaN } from '../chunkenc/float-bits.js';
import { openTsdb, type Tsdb, type TsdbOptions } from '../index.js';
import { eq } from '../labels/matcher.js';
import { describeStorage } from '../storage.case.js';
import { HeadTsdb, WAL_DIR } from '../tsdb.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kp-wal-'));
  dirs.push(d);
  return d;
}
async function open(options: TsdbOptions): Promise<Tsdb> {
  const db = await openTsdb(options);
  if (!db.ok) throw db.error;
  return db.value;
}
function samples(db: Tsdb, name: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of db.querier(-1e15, 1e15).select([eq('__name__', name)])) {
    const it = s.samples();
    while (it.next()) out.push([it.at().t, it.at().v]);
  }
  return out;
}
async function write(db: Tsdb, name: string, from: number, to: number): Promise<void> {
  const app = db.appender();
  for (let t = from; t < to; t++) app.append({ __name__: name }, t * 1000, t);
  const c = await app.commit();
  if (!c.ok) throw c.error;
}
function capture(): { lines: string[]; options: Pick<TsdbOptions, 'logger'> } {
  const lines: string[] = [];
  return { lines, options: { logger: createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }) } };
}

describeStorage('tsdb (with WAL)', async () => open({ dir: await tempDir() }));

describe('WAL', () => {
  it('replays series, samples, stale markers, out-of-order samples and tombstones', async () => {
    const dir = await tempDir();
    const db = await open({ dir, outOfOrderWindowMs: 60_000 });
    await write(db, 'a', 10, 20);
    const app = db.appender();
    app.append({ __name__: 'a' }, 5_000, -5); // out of order, inside the window
    app.append({ __name__: 'stale' }, 1_000, STALE_NAN);
    await app.commit();
    await db.deleteSeries([eq('__name__', 'a')], 12_000, 13_000);
    await db.close();

    const log = capture();
    const again = await open({ dir, outOfOrderWindowMs: 60_000, ...log.options });
    expect(samples(again, 'a').map(([t]) => t / 1000)).toEqual([5, 10, 11, 14, 15, 16, 17, 18, 19]);
    // Read straight from the iterator: a number[] would quiet the signalling NaN.
    const it = [...again.querier(0, 2000).select([eq('__name__', 'stale')])][0]!.samples();
    expect(it.next() && isStaleNaN(it.at().v)).toBe(true);
    expect(log.lines.some((l) => l.includes('WAL replay finished'))).toBe(true);
    // New series after a restart must not reuse refs of replayed ones.
    await write(again, 'b', 0, 3);
    await again.close();
    const third = await open({ dir });
    expect(samples(third, 'b')).toHaveLength(3);
    expect(samples(third, 'a')).toHaveLength(9);
    await third.close();
  });

  it('cuts a torn tail back to the last good record and starts anyway', async () => {
    const dir = await tempDir();
    const db = await open({ dir });
    await write(db, 'x', 0, 10);
    await write(db, 'x', 10, 20);
    await db.close();
    const walDir = path.join(dir, WAL_DIR);
    const seg = path.join(walDir, (await readdir(walDir)).sort()[0]!);
    const size = (await stat(seg)).size;
    await truncate(seg, size - 7); // half of the second commit's record

    const log = capture();
    const again = await open({ dir, ...log.options });
    expect(samples(again, 'x').map(([t]) => t / 1000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const warning = log.lines.find((l) => l.includes('torn or corrupt'));
    expect(warning).toMatch(/past the end of the segment/);
    // The cut is permanent, and the store keeps working after it.
    await write(again, 'x', 10, 12);
    await again.close();
    const third = await open({ dir });
    expect(samples(third, 'x')).toHaveLength(12);
    await third.close();
  });

  it('drops a record whose bytes were flipped, and everything after it', async () => {
    const dir = await tempDir();
    const db = await open({ dir });
    await write(db, 'y', 0, 5);
    await write(db, 'y', 5, 10);
    await write(db, 'y', 10, 15);
    await db.close();
    const walDir = path.join(dir, WAL_DIR);
    const seg = path.join(walDir, (await readdir(walDir)).sort()[0]!);
    const bytes = await readFile(seg);
    // Records are a series record, then one samples record per commit; the
    // second samples record starts after 9+5*20 bytes of the first one.
    const firstSamples = bytes.length - 3 * (9 + 5 * 20);
    const target = firstSamples + (9 + 5 * 20) + 20;
    bytes[target] = bytes[target]! ^ 0xff;
    await writeFile(seg, bytes);

    const log = capture();
    const again = await open({ dir, ...log.options });
    expect(samples(again, 'y').map(([t]) => t / 1000)).toEqual([0, 1, 2, 3, 4]);
    expect(log.lines.find((l) => l.includes('torn or corrupt'))).toMatch(
      new RegExp(`CRC mismatch in record at byte ${firstSamples + 9 + 5 * 20}`),
    );
    await again.close();
  });

  it('reports WAL size and replay time as self-metrics', async () => {
    const dir = await tempDir();
    const db = await open({ dir });
    await write(db, 'm', 0, 10);
    await db.close();
    const registry = new Registry();
    const again = await open({ dir, registry });
    const text = await registry.metrics();
    const walBytes = Number(/^kubepulse_tsdb_wal_bytes (\S+)$/m.exec(text)?.[1]);
    expect(walBytes).toBe(again.stats().walBytes);
    expect(walBytes).toBeGreaterThan(10 * 20);
    expect(text).toMatch(/^kubepulse_tsdb_wal_replay_duration_seconds \d/m);
    expect(again.walReplayStatus()).toEqual({ min: 1, max: 1, current: 1 });
    expect(text).toMatch(/^kubepulse_tsdb_head_samples_appended_total 10$/m);
    await again.close();
  });

  it('rotates segments at the size limit and replays all of them', async () => {
    const dir = await tempDir();
    const db = await open({ dir, walSegmentMaxBytes: 1024 });
    for (let i = 0; i < 20; i++) await write(db, 'r', i * 10, i * 10 + 10);
    expect(db.stats().walBytes).toBeGreaterThan(20 * 200);
    await db.close();
    const segments = (await readdir(path.join(dir, WAL_DIR))).filter((n) => /^\d{8}$/.test(n));
    expect(segments.length).toBeGreaterThan(3);
    const again = await open({ dir });
    expect(samples(again, 'r')).toHaveLength(200);
    await again.close();
  });

  it('checkpoints after head truncation, dropping what is older and removing covered segments', async () => {
    const dir = await tempDir();
    const db = await open({ dir, walSegmentMaxBytes: 2048 });
    await write(db, 'old', 0, 50);
    await write(db, 'keep', 0, 100);
    expect(db).toBeInstanceOf(HeadTsdb);
    const r = await (db as HeadTsdb).truncateHead(60_000);
    expect(r.ok).toBe(true);
    await write(db, 'keep', 100, 110);
    const names = await readdir(path.join(dir, WAL_DIR));
    expect(names.filter((n) => n.startsWith('checkpoint.'))).toHaveLength(1);
    await db.close();

    const again = await open({ dir });
    expect(samples(again, 'old')).toEqual([]);
    const keep = samples(again, 'keep');
    expect(keep[0]![0]).toBe(60_000);
    expect(keep).toHaveLength(50);
    await again.close();
  });
});
