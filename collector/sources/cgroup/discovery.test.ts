import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shareDiscovery } from './discovery.js';
import { createLimiter } from './limiter.js';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const POD = 'pod4554a75d-bca2-418d-82d3-0c3cea0a5cf8';
const cid = (c: string): string => c.repeat(64);

describe('shareDiscovery', () => {
  it('hands a second source the walk of the same moment, and walks again once it is older than maxAgeMs', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cgroup-walk-'));
    temps.push(root);
    mkdirSync(path.join(root, 'kubepods/besteffort', POD, cid('a')), { recursive: true });
    let now = 1_000;
    const shared = shareDiscovery(2_000, () => now);
    const limit = createLimiter(4);
    const first = shared.discover(root, limit);
    const second = shared.discover(root, limit);
    expect(second).toBe(first);
    const ids = async (d: ReturnType<typeof shared.discover>): Promise<string[]> => (await d).cgroups.map((c) => c.id);
    expect(await ids(first)).toEqual([`/kubepods/besteffort/${POD}`, `/kubepods/besteffort/${POD}/${cid('a')}`]);

    // A container started since: within maxAgeMs the walk is reused, after it the new cgroup is found.
    mkdirSync(path.join(root, 'kubepods/besteffort', POD, cid('b')));
    now += 2_000;
    expect(await ids(shared.discover(root, limit))).toHaveLength(2);
    now += 1;
    expect(await ids(shared.discover(root, limit))).toContain(`/kubepods/besteffort/${POD}/${cid('b')}`);
    // Another hierarchy root is never served from the cache.
    const other = await mkdtemp(path.join(tmpdir(), 'cgroup-walk-'));
    temps.push(other);
    expect(await ids(shared.discover(other, limit))).toEqual([]);
  });
});
