/** fsync of a directory: a new or renamed file's entry must be durable too, or a power cut could lose the file. */
import { open } from 'node:fs/promises';

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
