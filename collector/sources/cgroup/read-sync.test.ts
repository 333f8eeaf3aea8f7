import { mkdirSync, rmdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncFiles } from './read-sync.js';
import { openUnder } from './testing/open-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cgroup-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (r: ReturnType<ReturnType<typeof syncFiles>['text']>): string => (r.ok ? r.value : `error ${r.error.code}`);

describe('syncFiles', () => {
  it('reads small and multi-buffer files whole, stats directories, and returns errors as values', async () => {
    // A big cgroup.procs: longer than one 64 KiB read buffer.
    const pids = Array.from({ length: 30_000 }, (_, i) => String(100_000 + i)).join('\n') + '\n';
    await writeFile(path.join(dir, 'cgroup.procs'), pids);
    await writeFile(path.join(dir, 'cpu.max'), 'max 100000\n');
    const files = syncFiles();
    for (let round = 0; round < 2; round++) {
      expect(text(files.text(dir, 'cgroup.procs'))).toBe(pids);
      expect(text(files.text(dir, 'cpu.max'))).toBe('max 100000\n');
      expect(text(files.text(dir, 'nope'))).toBe('error ENOENT');
      const mtime = files.mtimeMs(dir);
      expect(mtime.ok && mtime.value).toBe((await stat(dir)).mtimeMs);
      files.endCollection();
    }
  });

  it('keeps files open between collections, reads them from the start each time, and closes those not read', async () => {
    const sub = path.join(dir, 'held');
    mkdirSync(sub);
    const a = path.join(sub, 'memory.current');
    await writeFile(a, '1234567\n');
    await writeFile(path.join(sub, 'cpu.stat'), 'usage_usec 1\n');
    const files = syncFiles();
    expect(text(files.text(sub, 'memory.current'))).toBe('1234567\n');
    expect(text(files.text(sub, 'cpu.stat'))).toBe('usage_usec 1\n');
    files.endCollection();
    expect(openUnder(sub)).toBe(2);
    // Rewritten in place, shorter: the kept-open file reads the new text, with no tail of the old.
    await writeFile(a, '89\n');
    expect(text(files.text(sub, 'memory.current'))).toBe('89\n');
    files.endCollection();
    // b was not read in that collection: closed.
    expect(openUnder(sub)).toBe(1);
    files.endCollection();
    expect(openUnder(sub)).toBe(0);
  });

  it('reads files past maxHeld the plain way, keeping only maxHeld open', async () => {
    const sub = path.join(dir, 'capped');
    mkdirSync(sub);
    const names = Array.from({ length: 5 }, (_, i) => `f${i}`);
    await Promise.all(names.map((f, i) => writeFile(path.join(sub, f), `${i}\n`)));
    const files = syncFiles(2);
    for (let round = 0; round < 2; round++) {
      expect(names.map((f) => text(files.text(sub, f)))).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n']);
      files.endCollection();
      expect(openUnder(sub)).toBe(2);
    }
    await writeFile(path.join(sub, 'f4'), 'changed\n');
    expect(text(files.text(sub, 'f4'))).toBe('changed\n');
  });

  it('reads a removed cgroup as absent and a cgroup made again under the same path anew (real cgroupfs)', (ctx) => {
    // kernfs fails reads of an open file whose cgroup was removed with ENODEV, even once one of the same name exists again.
    const parents = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/memory', '/sys/fs/cgroup'];
    let cg: string | undefined;
    for (const p of parents) {
      try {
        const d = path.join(p, `kubepulse-read-test-${process.pid}`);
        mkdirSync(d);
        cg = d;
        break;
      } catch {
        // not a writable cgroup hierarchy here
      }
    }
    if (!cg) return ctx.skip('cannot create a cgroup on this machine');
    const files = syncFiles();
    try {
      expect(text(files.text(cg, 'cgroup.procs'))).toBe('');
      files.endCollection();
      expect(openUnder(cg)).toBe(1);
      rmdirSync(cg);
      expect(text(files.text(cg, 'cgroup.procs'))).toBe('error ENOENT');
      mkdirSync(cg);
      expect(text(files.text(cg, 'cgroup.procs'))).toBe('');
      files.endCollection();
      expect(openUnder(cg)).toBe(1);
    } finally {
      files.endCollection();
      files.endCollection();
      rmdirSync(cg);
    }
  });
});
