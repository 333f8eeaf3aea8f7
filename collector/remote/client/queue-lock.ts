/**
 * One client per queue directory: two would read the same segments and send
 * everything twice. The `lock` file holds the owner's pid; a lock whose
 * process is gone (a crash, a SIGKILL) is taken over. In a container the pid
 * is often the same after a restart (1), so a lock naming our own pid is stale
 * unless this very process took it.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';
import { pidAlive as alive } from '../../pid-alive.js';

const heldHere = new Set<string>();

export async function lockQueueDir(dir: string, logger: Logger): Promise<Result<() => Promise<void>, Error>> {
  const file = path.join(dir, 'lock');
  const key = path.resolve(dir);
  if (heldHere.has(key))
    return err(new Error(`queue directory ${dir} is already used by another client in this process`));
  try {
    const fh = await open(file, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (owner !== process.pid && Number.isSafeInteger(owner) && owner > 0 && alive(owner)) {
      return err(new Error(`queue directory ${dir} is in use by process ${owner} (${file})`));
    }
    logger.warn('remote-write queue: taking over the lock of a process that is gone', { file, pid: owner });
    await writeFile(file, String(process.pid));
  }
  heldHere.add(key);
  return ok(async () => {
    heldHere.delete(key);
    await rm(file, { force: true });
  });
}

