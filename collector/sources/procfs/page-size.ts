/**
 * The kernel page size, which /proc/net/sockstat counts memory in. Node has no
 * getpagesize(); every mapping in /proc/self/smaps states its KernelPageSize,
 * and the first one is within the first few hundred bytes of the file.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';

const FALLBACK_PAGE_SIZE = 4096;

export async function detectPageSize(procPath: string): Promise<number> {
  let handle;
  try {
    handle = await open(path.join(procPath, 'self', 'smaps'), 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const m = /KernelPageSize:\s+(\d+) kB/.exec(buf.subarray(0, bytesRead).toString('latin1'));
    return m ? Number(m[1]) * 1024 : FALLBACK_PAGE_SIZE;
  } catch {
    return FALLBACK_PAGE_SIZE;
  } finally {
    await handle?.close();
  }
}
