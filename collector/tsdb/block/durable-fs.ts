/**
 * The few file operations that make block writes crash-safe: data is
 * fsynced before it is renamed into place, and the directory is fsynced after
 * the rename so the new name itself survives a power loss.
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsyncs a directory; some filesystems refuse (EINVAL/EISDIR), which only costs durability, not correctness. */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close();
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Bytes of all files under `dir`. */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? await dirSize(p) : (await stat(p)).size;
  }
  return total;
}
