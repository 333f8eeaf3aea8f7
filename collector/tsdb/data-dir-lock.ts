/**
 * One store per data directory: two processes appending to the same WAL would
 * interleave records and corrupt it. The lock file holds the owner's pid; a
 * lock left by a process that no longer runs (a crash, SIGKILL) is taken over,
 * so a crash never keeps the store from starting again.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../result.js';
import { StoreError } from './interface.js';
import { pidAlive as alive } from '../pid-alive.js';

/** Not `lock`: Prometheus flocks a file of that name, and both should be able to look at a copy of the directory. */
export const LOCK_FILE = 'kubepulse.lock';


export async function lockDataDir(dir: string): Promise<Result<() => Promise<void>, StoreError>> {
  const file = join(dir, LOCK_FILE);
  try {
    const held = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(held) && held > 0 && held !== process.pid && alive(held)) {
      return err(new StoreError(`data directory ${dir} is in use by process ${held} (${file}); stop it first`));
    }
    await writeFile(file, `${process.pid}\n`);
  } catch (e) {
    return err(new StoreError(`cannot lock data directory ${dir}: ${(e as Error).message}`, { cause: e }));
  }
  return ok(() => rm(file, { force: true }));
}
