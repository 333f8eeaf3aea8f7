import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './data-dir-lock.js';
import { openTsdb } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('refuses a directory held by a running process and takes over a dead one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kp-lock-'));
    dirs.push(dir);
    const lock = path.join(dir, LOCK_FILE);
    await writeFile(lock, `${process.ppid}\n`); // our parent runs, and is not us
    const held = await openTsdb({ dir });
    expect(!held.ok && held.error.message).toBe(
      `data directory ${dir} is in use by process ${process.ppid} (${lock}); stop it first`,
    );

    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(lock, `${dead}\n`);
    const db = await openTsdb({ dir });
    if (!db.ok) throw db.error;
    expect((await readFile(lock, 'utf8')).trim()).toBe(String(process.pid));
    await db.value.close();
    expect(existsSync(lock)).toBe(false);
  });
});
