/**
 * A full disk: commits fail with an error naming the WAL, nothing committed
 * before is lost, reads keep working, and once space is freed writes resume
 * and a reopen replays every acknowledged sample. Runs on a 2 MiB tmpfs the
 * test mounts (CI runs as root on this machine kind).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTsdb, type Tsdb } from './index.js';

let mnt: string;

beforeAll(async () => {
  mnt = await mkdtemp(join(tmpdir(), 'kp-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  } catch (e) {
    throw new Error(`cannot mount a small tmpfs at ${mnt} (this test needs root): ${String(e)}`, { cause: e });
  }
});

afterAll(() => {
  try {
    execFileSync('umount', [mnt]);
  } catch {
    // already gone
  }
});

const count = (db: Tsdb): number => {
  let n = 0;
  for (const s of db.querier(0, Number.MAX_SAFE_INTEGER).select([{ type: '=', name: '__name__', value: 'm' }])) {
    const it = s.samples();
    while (it.next()) n++;
  }
  return n;
};

it('fails writes with a clear error when the disk is full, keeps reads, and resumes once space is free', async () => {
  const dir = join(mnt, 'data');
  // A filler file leaves the store little room; deleting it later frees the disk.
  await writeFile(join(mnt, 'filler'), Buffer.alloc(1024 * 1024));
  const opened = await openTsdb({ dir });
  if (!opened.ok) throw opened.error;
  const db = opened.value;
  let acked = 0;
  let failure: string | undefined;
  for (let i = 0; i < 1000 && failure === undefined; i++) {
    const app = db.appender();
    for (let s = 0; s < 100; s++) app.append({ __name__: 'm', s: `${'x'.repeat(40)}${s}` }, 1000 + i, i);
    const c = await app.commit();
    if (c.ok) acked += 100;
    else failure = c.error.message;
  }
  expect(failure).toMatch(/^commit of 100 samples failed: WAL write to segment \d+ failed: /);
  expect(acked).toBeGreaterThan(0);
  expect(count(db)).toBe(acked);

  await rm(join(mnt, 'filler'));
  const app = db.appender();
  for (let s = 0; s < 100; s++) app.append({ __name__: 'm', s: `${'x'.repeat(40)}${s}` }, 5000, 1);
  expect((await app.commit()).ok).toBe(true);
  acked += 100;
  await db.close();

  const reopened = await openTsdb({ dir });
  if (!reopened.ok) throw reopened.error;
  expect(count(reopened.value)).toBe(acked);
  await reopened.value.close();
});
