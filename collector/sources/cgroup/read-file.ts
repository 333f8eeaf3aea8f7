/**
 * Reading one small cgroup file as text, with the failure as a value. cgroupfs
 * files report a size of 4096 (v1) or 0 (v2) whatever they hold, so they are
 * read until a short read rather than by size. This uses the callback fs API
 * with one open/read/close per file: fs/promises' readFile costs several more
 * event-loop round trips per file, and a node with 330 containers reads about
 * 6,000 files per collection.
 */
import { close, open, read } from 'node:fs';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';

export type ReadText = (path: string) => Promise<Result<string, NodeJS.ErrnoException>>;

const CHUNK_BYTES = 16 * 1024;

export const readText: ReadText = (path) =>
  new Promise((resolve) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return resolve(err(openError));
      const chunks: Buffer[] = [];
      const finish = (e: NodeJS.ErrnoException | null): void =>
        close(fd, () => resolve(e ? err(e) : ok(Buffer.concat(chunks).toString('utf8'))));
      const next = (): void => {
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        read(fd, buf, 0, CHUNK_BYTES, null, (readError, n) => {
          if (readError) return finish(readError);
          if (n > 0) chunks.push(buf.subarray(0, n));
          // A short read is not proof of EOF on every filesystem, but a zero read is.
          if (n === 0) return finish(null);
          next();
        });
      };
      next();
    });
  });

/** "ENOENT: no such file or directory" without the path (the problem's place already names it). */
export function describeError(e: NodeJS.ErrnoException): string {
  const msg = e.message.replace(/, \w+ '[^']*'$/, '');
  return e.code && !msg.startsWith(e.code) ? `${e.code}: ${msg}` : msg;
}

/**
 * Absent files mean "this controller is not enabled here" or "this cgroup just
 * went away" (containers come and go between the walk and the read): neither
 * is a problem worth reporting every 15 s.
 */
export function isAbsent(e: NodeJS.ErrnoException): boolean {
  return e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EOPNOTSUPP' || e.code === 'ENODEV';
}
