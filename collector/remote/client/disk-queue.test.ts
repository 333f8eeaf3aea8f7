import { appendFile, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import { DiskQueue, type RecordRef } from './disk-queue.js';
import { decodeColumns, encodeRecord, toQueuedSeries, type QueuedSample } from './record-codec.js';
import { STALE_NAN } from '../../tsdb/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kp-queue-'));
  dirs.push(d);
  return d;
}

const series = toQueuedSeries({ __name__: 'up', job: 'a' });
const record = (from: number, n: number): Uint8Array =>
  encodeRecord(Array.from({ length: n }, (_, i): QueuedSample => ({ series, t: from + i, v: from + i })));

async function openQueue(
  dir: string,
  extra: { maxBytes?: number; segmentMaxBytes?: number; partitions?: number; recentBytes?: number } = {},
) {
  const lines: string[] = [];
  const drops: [number, string][] = [];
  const q = await DiskQueue.open({
    dir,
    maxBytes: extra.maxBytes ?? 1 << 30,
    segmentMaxBytes: extra.segmentMaxBytes ?? 1 << 20,
    ...(extra.recentBytes !== undefined ? { recentBytes: extra.recentBytes } : {}),
    partitions: extra.partitions ?? 2,
    logger: createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) }),
    onDrop: (n, reason) => drops.push([n, reason]),
  });
  if (!q.ok) throw q.error;
  return { q: q.value, lines, drops };
}

async function readAll(q: DiskQueue): Promise<{ ref: RecordRef; ts: number[] }[]> {
  const out: { ref: RecordRef; ts: number[] }[] = [];
  for (let r = await q.read(); r; r = await q.read()) out.push({ ref: r.ref, ts: Array.from(r.columns.t) });
  return out;
}

describe('DiskQueue', () => {
  it('reads committed records back in order, keeping NaN bits', async () => {
    const { q } = await openQueue(await tempDir());
    await Promise.all([q.append(record(0, 3)), q.append(record(3, 2))]);
    await q.append(encodeRecord([{ series, t: 9, v: STALE_NAN }]));
    const got = await readAll(q);
    expect(got.map((r) => r.ts)).toEqual([[0, 1, 2], [3, 4], [9]]);
    expect(q.stats().pendingSamples).toBe(6);
    await q.close();
  });

  it('hands out just-written records from memory, and from disk once evicted or after a reopen', async () => {
    const dir = await tempDir();
    // Each record of 3 samples frames to 106 bytes (8 + 8 + 4 + 26 label bytes + 3 x 20): a window of 250 holds two.
    const { q } = await openQueue(dir, { recentBytes: 250 });
    const payloads = [record(0, 3), record(3, 3), record(6, 3)];
    const columns = payloads.map((p) => decodeColumns(p));
    for (const [i, p] of payloads.entries()) await q.append(p, columns[i]);
    const got: unknown[] = [];
    for (let r = await q.read(); r; r = await q.read()) got.push(r.columns);
    // The first record was evicted from the window: decoded from the file, equal but not the object kept.
    expect(got[0]).not.toBe(columns[0]);
    expect(got[0]).toEqual(columns[0]);
    expect(got[1]).toBe(columns[1]);
    expect(got[2]).toBe(columns[2]);
    // A record larger than the whole window is still kept while it is the newest.
    const big = record(9, 20);
    const bigColumns = decodeColumns(big);
    await q.append(big, bigColumns);
    expect((await q.read())?.columns).toBe(bigColumns);
    await q.close();
    const again = await openQueue(dir, { recentBytes: 250 });
    expect((await readAll(again.q)).map((r) => r.ts)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      Array.from({ length: 20 }, (_, i) => 9 + i),
    ]);
    await again.q.close();
  });

  it('reads back records larger than one read chunk (1 MiB), first or after a small one', async () => {
    const { q, drops } = await openQueue(await tempDir(), { segmentMaxBytes: 64 << 20 });
    // 60,000 samples x 20 bytes: 1.2 MB, as one full-pipeline collection of a busy node can be.
    await q.append(record(0, 60_000));
    const first = await readAll(q);
    expect(first.map((r) => r.ts.length)).toEqual([60_000]);
    await q.append(record(60_000, 2));
    expect((await readAll(q)).map((r) => r.ts)).toEqual([[60_000, 60_001]]);
    await q.append(record(70_000, 60_000));
    const big = await readAll(q);
    expect(big.map((r) => [r.ts.length, r.ts[0], r.ts.at(-1)])).toEqual([[60_000, 70_000, 129_999]]);
    expect(drops).toEqual([]);
    await q.close();
  });

  it('keeps unacknowledged records across a reopen and deletes acknowledged segments', async () => {
    const dir = await tempDir();
    const { q } = await openQueue(dir, { segmentMaxBytes: 200 });
    for (let i = 0; i < 10; i++) await q.append(record(i * 5, 5));
    const segmentsBefore = (await readdir(dir)).filter((f) => f.startsWith('segment-')).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    const got = await readAll(q);
    for (const r of got.slice(0, 6)) q.ack(r.ref, r.ref.remaining);
    await q.close();
    expect((await readdir(dir)).filter((f) => f.startsWith('segment-')).length).toBeLessThan(segmentsBefore);

    const { q: again } = await openQueue(dir, { segmentMaxBytes: 200 });
    expect(again.stats().pendingSamples).toBe(20);
    expect((await readAll(again)).flatMap((r) => r.ts)).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    await again.close();
  });

  it('remembers per-shard progress past the acknowledged prefix, for the same shard count only', async () => {
    const dir = await tempDir();
    const { q } = await openQueue(dir);
    await q.append(record(0, 4));
    await q.append(record(4, 4));
    const [first, second] = await readAll(q);
    if (!first || !second) throw new Error('two records expected');
    second.ref.progress.set(1, 3); // shard 1 sent three samples of the second record; the first record is not done
    q.ack(second.ref, 3);
    await q.close();

    const { q: same } = await openQueue(dir);
    const again = await readAll(same);
    expect(again.map((r) => r.ts)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(same.resumeProgress(again[0]?.ref as RecordRef)).toBeUndefined();
    expect([...(same.resumeProgress(again[1]?.ref as RecordRef) ?? [])]).toEqual([[1, 3]]);
    await same.close();
    const { q: other } = await openQueue(dir, { partitions: 3 });
    const third = await readAll(other);
    expect(other.resumeProgress(third[1]?.ref as RecordRef)).toBeUndefined();
    await other.close();
  });

  it('allows one queue per directory and takes over the lock of a process that is gone', async () => {
    const dir = await tempDir();
    const { q } = await openQueue(dir);
    const second = await DiskQueue.open({
      dir,
      maxBytes: 1 << 20,
      segmentMaxBytes: 1 << 20,
      partitions: 2,
      logger: createLogger({ level: 'error', format: 'json', write: () => undefined }),
      onDrop: () => undefined,
    });
    expect(second.ok ? '' : second.error.message).toBe(
      `cannot open remote-write queue: queue directory ${dir} is already used by another client in this process`,
    );
    await q.close();
    await writeFile(path.join(dir, 'lock'), '999999999'); // a pid no process has
    const { q: again, lines } = await openQueue(dir);
    expect(lines.some((l) => l.includes('taking over the lock'))).toBe(true);
    await again.close();
  });

  it('truncates a torn tail with a warning naming the file and offset', async () => {
    const dir = await tempDir();
    const { q } = await openQueue(dir);
    await q.append(record(0, 4));
    await q.append(record(4, 4));
    await q.close();
    const file = path.join(dir, 'segment-00000001');
    const size = (await stat(file)).size;
    await truncate(file, size - 7); // the second record was cut mid-write
    await appendFile(file, new Uint8Array(0));
    const { q: again, lines } = await openQueue(dir);
    expect((await readAll(again)).flatMap((r) => r.ts)).toEqual([0, 1, 2, 3]);
    const warn = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'warn');
    expect(warn).toMatchObject({ file, offset: size / 2, reason: 'record cut short' });
    expect((await stat(file)).size).toBe(size / 2);
    await again.close();
  });

  it('drops the oldest segments past the size cap and counts the unread samples', async () => {
    const dir = await tempDir();
    const { q, drops, lines } = await openQueue(dir, { maxBytes: 1000, segmentMaxBytes: 300 });
    for (let i = 0; i < 20; i++) await q.append(record(i * 5, 5));
    expect(q.stats().bytes).toBeLessThanOrEqual(1000);
    const dropped = drops.reduce((n, [k]) => n + k, 0);
    expect(drops.every(([, reason]) => reason === 'queue_full')).toBe(true);
    const left = (await readAll(q)).flatMap((r) => r.ts);
    // Every sample is either still there or counted as dropped, and what is left is the newest, in order.
    expect(left.length + dropped).toBe(100);
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 100 - left.length + i));
    expect(lines.some((l) => l.includes('size cap'))).toBe(true);
    await q.close();
  });
});
