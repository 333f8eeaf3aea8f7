/**
 * Reading one kernel file as text, with the failure as a value. /proc and /sys
 * files report a size of 0 or 4096 whatever they hold, so they are read to EOF
 * rather than by size (readFile does that).
 */
import { readFile } from 'node:fs/promises';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';

export type ReadText = (path: string) => Promise<Result<string, NodeJS.ErrnoException>>;

export const readText: ReadText = async (path) => {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (e) {
    return err(toErrno(e));
  }
};

export function toErrno(e: unknown): NodeJS.ErrnoException {
  return e instanceof Error ? e : new Error(String(e));
}

/** "ENOENT: no such file or directory" without the path (the problem's place already names it). */
export function describeError(e: NodeJS.ErrnoException): string {
  const msg = e.message.replace(/, \w+ '[^']*'$/, '');
  return e.code && !msg.startsWith(e.code) ? `${e.code}: ${msg}` : msg;
}

/** Absent files mean "this kernel has no such feature", not a problem worth reporting every 15 s. */
export function isAbsent(e: NodeJS.ErrnoException): boolean {
  return e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EOPNOTSUPP';
}
