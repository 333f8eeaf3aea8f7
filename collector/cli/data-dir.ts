/**
 * The data directory must exist (it is created) and be readable and writable
 * before anything else starts; otherwise kubepulse stops with one clear line.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { err, ok, type Result } from '../result.js';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'exists and is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

export async function prepareDataDir(dir: string): Promise<Result<void, string>> {
  const fail = (e: unknown): Result<never, string> => {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return err(`cannot use data directory ${dir}: ${REASONS[code] ?? (e as Error).message}`);
  };
  try {
    await mkdir(dir, { recursive: true });
    const st = await stat(dir);
    if (!st.isDirectory()) return err(`cannot use data directory ${dir}: exists and is not a directory`);
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return ok(undefined);
  } catch (e) {
    return fail(e);
  }
}
