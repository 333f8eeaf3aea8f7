import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.js';
import type { RawFiles } from './read-worker.js';
import { asyncFiles, workerFiles } from './read-worker.js';
import { syncFiles } from './read-sync.js';

let dir: string;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const modes: [string, () => RawFiles][] = [
  ['async', () => asyncFiles(createLimiter(4))],
  ['worker', () => workerFiles(asyncFiles(createLimiter(4)))],
  ['sync', () => syncFiles()],
];

describe.each(modes)('%s file reads', (_, make) => {
  it('reads small and multi-buffer files whole, stats directories, and returns errors as values', async () => {
    dir ??= await mkdtemp(path.join(tmpdir(), 'cgroup-read-'));
    // A big cgroup.procs: longer than one 64 KiB read buffer.
    const pids = Array.from({ length: 30_000 }, (_, i) => String(100_000 + i)).join('\n') + '\n';
    await writeFile(path.join(dir, 'cgroup.procs'), pids);
    await writeFile(path.join(dir, 'cpu.max'), 'max 100000\n');
    const files = make();
    const [big, small, missing, mtime] = await Promise.all([
      files.text(path.join(dir, 'cgroup.procs')),
      files.text(path.join(dir, 'cpu.max')),
      files.text(path.join(dir, 'nope')),
      files.mtimeMs(dir),
    ]);
    expect(big.ok && big.value).toBe(pids);
    expect(small.ok && small.value).toBe('max 100000\n');
    expect(missing.ok ? 'read' : missing.error.code).toBe('ENOENT');
    expect(mtime.ok && mtime.value).toBe((await stat(dir)).mtimeMs);
  });
});
