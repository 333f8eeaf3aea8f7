import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import type { StatfsFn, StatfsResult } from './filesystem.js';
import { FilesystemCollector } from './filesystem.js';
import { decodeOctalEscapes, parseMounts } from './mounts.js';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE } from './procfs-options.js';

const DISK: StatfsResult = { bsize: 4096, blocks: 1000, bfree: 600, bavail: 500, files: 64, ffree: 40 };

/** A statfs that answers from a table, hangs for paths marked 'hang' and fails for 'fail'. */
function fakeStatfs(table: Record<string, StatfsResult | 'hang' | 'fail'>) {
  const calls: string[] = [];
  const release: (() => void)[] = [];
  const fn: StatfsFn = (p) => {
    calls.push(p);
    const entry = table[p];
    if (entry === 'hang') return new Promise((resolve) => release.push(() => resolve(DISK)));
    if (entry === 'fail' || entry === undefined) {
      return Promise.reject(Object.assign(new Error(`EACCES: permission denied, statfs '${p}'`), { code: 'EACCES' }));
    }
    return Promise.resolve(entry);
  };
  return { fn, calls, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

function collector(statfs: StatfsFn, rootfsPath = '/', now = { t: 1000 }) {
  return new FilesystemCollector({
    rootfsPath,
    mountPointsExclude: DEFAULT_MOUNT_POINTS_EXCLUDE,
    fsTypesExclude: DEFAULT_FS_TYPES_EXCLUDE,
    statfsTimeoutMs: 20,
    statfs,
    clock: () => now.t,
  });
}

async function run(fs: FilesystemCollector, mountsText: string) {
  const out = new CollectionBuilder();
  await fs.collect(parseMounts(mountsText, '1/mounts', out), '1/mounts', out);
  return out.build();
}

const MOUNTS = procfsFixture('host/proc/1/mounts');

describe('FilesystemCollector', () => {
  it('keeps real mounts only, once each, with node-exporter labels and byte values', async () => {
    const statfs = fakeStatfs({ '/': DISK, '/srv/My Data': DISK, '/tmp': DISK, '/mnt/nfs': DISK });
    const c = await run(collector(statfs.fn), MOUNTS);
    const mountpoints = samplesOf(c, 'node_filesystem_device_error').map((s) => s.labels.mountpoint);
    // /proc, /sys (type), /run/credentials/… and /var/lib/docker/… (mount point), overlay and cgroup2 (type) are left out.
    expect(mountpoints.sort()).toEqual(['/', '/mnt/nfs', '/srv/My Data', '/tmp']);
    const root = { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' };
    expect(valueOf(c, 'node_filesystem_size_bytes', root)).toBe(4096 * 1000);
    expect(valueOf(c, 'node_filesystem_free_bytes', root)).toBe(4096 * 600);
    expect(valueOf(c, 'node_filesystem_avail_bytes', root)).toBe(4096 * 500);
    expect(valueOf(c, 'node_filesystem_files', root)).toBe(64);
    expect(valueOf(c, 'node_filesystem_files_free', root)).toBe(40);
    expect(valueOf(c, 'node_filesystem_readonly', root)).toBe(0);
    expect(valueOf(c, 'node_filesystem_readonly', { mountpoint: '/srv/My Data' })).toBe(1);
    expect(statfs.calls.sort()).toEqual(['/', '/mnt/nfs', '/srv/My Data', '/tmp']);
    expect(c.problems).toEqual([]);
  });

  it('reports a failing statfs with device_error 1 and no size series', async () => {
    const statfs = fakeStatfs({ '/': DISK, '/srv/My Data': 'fail', '/tmp': DISK, '/mnt/nfs': DISK });
    const c = await run(collector(statfs.fn), MOUNTS);
    expect(valueOf(c, 'node_filesystem_device_error', { mountpoint: '/srv/My Data' })).toBe(1);
    expect(valueOf(c, 'node_filesystem_readonly', { mountpoint: '/srv/My Data' })).toBe(1);
    expect(samplesOf(c, 'node_filesystem_size_bytes', { mountpoint: '/srv/My Data' })).toEqual([]);
    expect(valueOf(c, 'node_filesystem_device_error', { mountpoint: '/' })).toBe(0);
    expect(problemLines(c)).toEqual(['1/mounts: /srv/My Data: statfs(/srv/My Data): EACCES: permission denied']);
  });

  it('gives up on a hanging statfs after the timeout and does not call it again while it hangs', async () => {
    const now = { t: 1000 };
    const statfs = fakeStatfs({ '/': DISK, '/srv/My Data': DISK, '/tmp': DISK, '/mnt/nfs': 'hang' });
    const fs = collector(statfs.fn, '/', now);
    const first = await run(fs, MOUNTS);
    expect(valueOf(first, 'node_filesystem_device_error', { mountpoint: '/mnt/nfs' })).toBe(1);
    expect(samplesOf(first, 'node_filesystem_avail_bytes', { mountpoint: '/mnt/nfs' })).toEqual([]);
    expect(valueOf(first, 'node_filesystem_avail_bytes', { mountpoint: '/tmp' })).toBe(4096 * 500);
    expect(problemLines(first)).toEqual(['1/mounts: /mnt/nfs: statfs(/mnt/nfs) did not return within 20 ms']);

    now.t = 16_000;
    const second = await run(fs, MOUNTS);
    expect(statfs.calls.filter((p) => p === '/mnt/nfs')).toHaveLength(1);
    expect(valueOf(second, 'node_filesystem_device_error', { mountpoint: '/mnt/nfs' })).toBe(1);
    expect(problemLines(second)).toEqual([
      '1/mounts: /mnt/nfs: statfs(/mnt/nfs) has not returned for 15000 ms; not asking again until it does',
    ]);

    // The server comes back: the old call returns, and the next collection asks again.
    statfs.releaseAll();
    await new Promise((r) => setImmediate(r));
    const third = await run(fs, MOUNTS);
    expect(statfs.calls.filter((p) => p === '/mnt/nfs')).toHaveLength(2);
    expect(third.problems).toHaveLength(1); // still 'hang' in the table, so it times out once more
  });

  it('stops waiting for statfs when the collection is aborted', async () => {
    const statfs = fakeStatfs({ '/': 'hang' });
    const fs = new FilesystemCollector({
      rootfsPath: '/',
      mountPointsExclude: DEFAULT_MOUNT_POINTS_EXCLUDE,
      fsTypesExclude: DEFAULT_FS_TYPES_EXCLUDE,
      statfsTimeoutMs: 60_000,
      statfs: statfs.fn,
      clock: () => 0,
    });
    const out = new CollectionBuilder();
    const done = fs.collect(parseMounts('/dev/vda / ext4 rw 0 0\n', 'mounts', out), 'mounts', out, AbortSignal.abort());
    await done;
    const c = out.build();
    expect(valueOf(c, 'node_filesystem_device_error', { mountpoint: '/' })).toBe(1);
    expect(problemLines(c)).toEqual(['mounts: /: statfs(/) abandoned: collection aborted']);
    statfs.releaseAll();
  });

  it('stats under rootfsPath and labels the mount points as the host sees them', async () => {
    const statfs = fakeStatfs({ '/host/root': DISK, '/host/root/tmp': DISK });
    const c = await run(collector(statfs.fn, '/host/root'), '/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n');
    expect(statfs.calls.sort()).toEqual(['/host/root', '/host/root/tmp']);
    expect(
      samplesOf(c, 'node_filesystem_size_bytes')
        .map((s) => s.labels.mountpoint)
        .sort(),
    ).toEqual(['/', '/tmp']);
    // Our own mount table seen from inside the container carries the prefix: it is stripped.
    expect(collector(statfs.fn, '/host/root').labelOf('/host/root/var')).toBe('/var');
    expect(collector(statfs.fn, '/host/root').labelOf('/host/root')).toBe('/');
  });
});

describe('parseMounts', () => {
  it('decodes the octal escapes of fstab(5)', () => {
    expect(decodeOctalEscapes('/srv/My\\040Data\\011x\\134y')).toBe('/srv/My Data\tx\\y');
  });

  it('reports lines that are not mounts and keeps the rest', () => {
    const out = new CollectionBuilder();
    const mounts = parseMounts(procfsFixture('broken/mounts-garbage'), path.join('proc', '1', 'mounts'), out);
    expect(mounts.map((m) => m.mountpoint)).toEqual(['/proc', '/']);
    expect(problemLines(out.build())).toEqual([
      'proc/1/mounts:3: expected "<device> <mount point> <type> <options> …", got "this-is-not-a-mount"',
    ]);
  });
});
