/**
 * Reading one small cgroup file as text, with the failure as a value.
 *
 * Cost matters here: a node with 110 pods reads about 7,000 of these files per
 * collection. So this uses the callback fs API with exactly open, read and
 * close per file (fs/promises' readFile adds an fstat and more event-loop
 * round trips), and reuses its read buffers instead of allocating one per file.
 * cgroupfs files report a size of 4096 (v1) or 0 (v2) whatever they hold, so
 * the size is not asked for: a read that does not fill the buffer is the end
 * of the file (kernfs hands out a whole small file in one read), and a read
 * that fills it is followed by another.
 */
import { close, open, read } from 'node:fs';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';

export type ReadText = (path: string) => Promise<Result<string, NodeJS.ErrnoException>>;

const BUFFER_BYTES = 64 * 1024;
/** Buffers not in use; never more than the number of reads that were in flight at once. */
const spare: Buffer[] = [];

export const readText: ReadText = (path) =>
  new Promise((resolve) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return resolve(err(openError));
      const buf = spare.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
      let chunks: Buffer[] | undefined;
      const finish = (e: NodeJS.ErrnoException | null, last: number): void => {
        const text = e
          ? undefined
          : chunks
            ? Buffer.concat([...chunks, buf.subarray(0, last)]).toString('utf8')
            : buf.toString('utf8', 0, last);
        spare.push(buf);
        close(fd, () => resolve(text === undefined ? err(e as NodeJS.ErrnoException) : ok(text)));
      };
      const next = (): void => {
        read(fd, buf, 0, BUFFER_BYTES, null, (readError, n) => {
          if (readError) return finish(readError, 0);
          if (n < BUFFER_BYTES) return finish(null, n);
          (chunks ??= []).push(Buffer.from(buf)); // a full buffer: keep a copy and read on
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
