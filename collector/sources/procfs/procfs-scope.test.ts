import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScopes as collectScopesOf, namesOf, PROCFS_FIXTURES, valuesBySeries } from '../../../test/support/collection-lookup.js';
import type { Collection } from '../source.js';
import type { StatfsFn } from './filesystem.js';
import type { ProcfsOptions, ProcfsScope } from './index.js';
import { createProcfsSource } from './index.js';

const HOST = path.join(PROCFS_FIXTURES, 'host');
const statfs: StatfsFn = () =>
  Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5 });
const clock = (): number => 1_795_790_000_123;

const collectScopes = (o: ProcfsOptions): Promise<Record<ProcfsScope, Collection>> =>
  collectScopesOf((scope) => createProcfsSource({ ...o, scope }));

const names = namesOf;

describe('createProcfsSource scope', () => {
  it('on a recorded host: resource and full are disjoint and together are all, value for value', async () => {
    const c = await collectScopes({
      procPath: path.join(HOST, 'proc'),
      sysPath: path.join(HOST, 'sys'),
      rootfsPath: path.join(HOST, 'root'),
      statfs,
      clock,
    });
    const all = valuesBySeries(c.all);
    const resource = valuesBySeries(c.resource);
    const full = valuesBySeries(c.full);
    expect([...resource.keys()].filter((k) => full.has(k))).toEqual([]);
    expect(new Map([...resource, ...full])).toEqual(all);
    expect(c.resource.problems).toEqual([]);
    expect(c.full.problems).toEqual([]);
    // What metrics.k8s.io needs is in the lean part; the clock and the rest are not.
    const lean = names(c.resource);
    expect(lean.has('node_cpu_seconds_total')).toBe(true);
    expect(lean.has('node_memory_MemTotal_bytes')).toBe(true);
    expect(lean.has('node_memory_MemAvailable_bytes')).toBe(true);
    expect(lean.has('node_time_seconds')).toBe(false);
    expect(lean.has('node_load1')).toBe(false);
    expect(names(c.full).has('node_time_seconds')).toBe(true);
    expect(names(c.full).has('node_cpu_seconds_total')).toBe(false);
    // HELP/TYPE travel with the families each scope produced, and only those.
    expect(new Set(c.resource.metadata.map((m) => m.name))).toEqual(lean);
  });

  it('on this machine: the same split of series, and the problems of all are those of the two parts', async () => {
    const c = await collectScopes({ statfs, clock });
    const all = new Set(valuesBySeries(c.all).keys());
    const resource = new Set(valuesBySeries(c.resource).keys());
    const full = new Set(valuesBySeries(c.full).keys());
    expect([...resource].filter((k) => full.has(k))).toEqual([]);
    expect(new Set([...resource, ...full])).toEqual(all);
    expect(resource.size).toBeGreaterThan(0);
    const places = (x: Collection): string[] => x.problems.map((p) => p.place).sort();
    expect([...places(c.resource), ...places(c.full)].sort()).toEqual(places(c.all));
    expect(places(c.resource)).toEqual([]);
  });

  it('the default scope is all', async () => {
    const o = {
      procPath: path.join(HOST, 'proc'),
      sysPath: path.join(HOST, 'sys'),
      rootfsPath: path.join(HOST, 'root'),
      statfs,
      clock,
    };
    const [dflt, all] = await Promise.all([
      createProcfsSource(o).collect(),
      createProcfsSource({ ...o, scope: 'all' }).collect(),
    ]);
    expect(new Set(valuesBySeries(dflt).keys())).toEqual(new Set(valuesBySeries(all).keys()));
  });
});
