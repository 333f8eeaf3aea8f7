import { cp, mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { collectScopes as collectScopesOf, namesOf, valuesBySeries } from '../../../test/support/collection-lookup.js';
import type { Collection } from '../source.js';
import type { CgroupOptions, CgroupScope } from './index.js';
import { createCgroupSource, detectCgroupLayout } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLES = path.resolve(repoRoot, '../shared/fixtures/cgroups/samples');
const RECORDED = [
  'elastic-amzn2-cgroupv1-eks-systemd-containerd',
  'elastic-docker2-cgroupv2',
  'elastic-ubuntu1804-cgroup-hybrid',
];
const paths = (root: string) => ({ procPath: path.join(root, 'proc'), cgroupRoot: path.join(root, 'sys/fs/cgroup') });
const LEAN = ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'];

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const collectScopes = (o: CgroupOptions): Promise<Record<CgroupScope, Collection>> =>
  collectScopesOf((scope) => createCgroupSource({ ...o, scope }));

const names = namesOf;
const ids = (c: Collection): Set<string> => new Set(c.samples.map((s) => s.labels.id ?? ''));

/** The recorded v2 session scope as a kubepods tree: pod, container and sandbox cgroups. */
async function kubeTree(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cgroup-scope-'));
  temps.push(root);
  const scope = path.join(
    SAMPLES,
    'elastic-docker2-cgroupv2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope',
  );
  const pod = path.join(root, 'sys/fs/cgroup/kubepods/burstable/pod4554a75d-bca2-418d-82d3-0c3cea0a5cf8');
  for (const d of [pod, path.join(pod, 'b'.repeat(64)), path.join(pod, 'a'.repeat(64))]) {
    await cp(scope, d, { recursive: true });
  }
  // A controller-less shell: a directory the walk finds, with no CPU or memory files.
  await mkdir(path.join(pod, 'c'.repeat(64)));
  await mkdir(path.join(root, 'proc/self'), { recursive: true });
  await writeFile(path.join(root, 'proc/self/mountinfo'), `953 950 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup rw\n`);
  await writeFile(path.join(root, 'proc/diskstats'), '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n');
  return root;
}

describe('createCgroupSource scope on recorded trees', () => {
  it.each(RECORDED)('%s: resource and full are disjoint and together are all, value for value', async (name) => {
    const c = await collectScopes(paths(path.join(SAMPLES, name)));
    const all = valuesBySeries(c.all);
    const resource = valuesBySeries(c.resource);
    const full = valuesBySeries(c.full);
    expect(all.size).toBeGreaterThan(10);
    expect([...resource.keys()].filter((k) => full.has(k))).toEqual([]);
    expect(new Map([...resource, ...full])).toEqual(all);
    // Only the two lean families in `resource`, none of them in `full`; HELP/TYPE follow the samples.
    const lean = names(c.resource);
    expect([...lean].every((n) => LEAN.includes(n))).toBe(true);
    expect(lean.has('container_memory_working_set_bytes')).toBe(true);
    expect(LEAN.some((n) => names(c.full).has(n))).toBe(false);
    expect(new Set(c.resource.metadata.map((m) => m.name))).toEqual(lean);
    expect(new Set(c.full.metadata.map((m) => m.name))).toEqual(names(c.full));
    expect([c.all.problems, c.resource.problems, c.full.problems]).toEqual([[], [], []]);
  });

  it('kubepods tree: identity labels are the same in both parts, the controller-less shell is in neither', async () => {
    const root = await kubeTree();
    const c = await collectScopes(paths(root));
    expect(new Map([...valuesBySeries(c.resource), ...valuesBySeries(c.full)])).toEqual(valuesBySeries(c.all));
    expect(ids(c.resource)).toEqual(ids(c.all));
    expect(ids(c.full)).toEqual(ids(c.all));
    expect(ids(c.all).size).toBe(3);
    expect([...ids(c.all)].some((id) => id.includes('c'.repeat(64)))).toBe(false);
    const lean = c.resource.samples.find((s) => s.labels.__name__ === 'container_cpu_usage_seconds_total');
    expect(Object.keys(lean?.labels ?? {}).sort()).toEqual(
      ['__name__', 'container', 'cpu', 'id', 'image', 'name', 'namespace', 'pod'].sort(),
    );
  });
});

describe('createCgroupSource scope on this machine', () => {
  it('resource and full split the series of all, with the same cgroups in each', async (ctx) => {
    // A real cgroup of our own in every hierarchy, so that the walk has something to read even on a bare host.
    const layout = await detectCgroupLayout({});
    if (!layout.ok) return ctx.skip(`no cgroup filesystem: ${layout.error.message}`);
    const unit = `kubepulse-scope-test-${process.pid}.service`;
    const roots = [
      ...new Set([...layout.value.controllerDirs.values(), layout.value.unifiedDir ?? layout.value.walkDir]),
    ];
    const made: string[] = [];
    try {
      for (const r of roots) {
        const d = path.join(r, unit);
        await mkdir(d);
        made.push(d);
      }
    } catch (e) {
      await Promise.all(made.map((d) => rmdir(d)));
      return ctx.skip(`cannot create a cgroup here (${(e as Error).message})`);
    }
    try {
      // Cgroups come and go between collections (other processes' units); a changing tree is read again.
      // While another test's kubepods root exists (test/cgroup-real.test.ts), this host reads as a
      // Kubernetes node and its units are not reported: wait for it to go, too.
      const idList = (x: Collection): string => [...ids(x)].sort().join('\n');
      const settled = (c: Record<CgroupScope, Collection>): boolean =>
        ids(c.all).has(`/${unit}`) && idList(c.all) === idList(c.resource) && idList(c.all) === idList(c.full);
      let c = await collectScopes({});
      for (let i = 0; i < 60 && !settled(c); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        c = await collectScopes({});
      }
      const all = new Set(valuesBySeries(c.all).keys());
      const resource = new Set(valuesBySeries(c.resource).keys());
      const full = new Set(valuesBySeries(c.full).keys());
      expect(ids(c.all).has(`/${unit}`)).toBe(true);
      expect([...resource].filter((k) => full.has(k))).toEqual([]);
      expect(new Set([...resource, ...full])).toEqual(all);
      expect(names(c.resource)).toEqual(new Set(LEAN));
      expect(c.resource.problems).toEqual([]);
    } finally {
      await Promise.all(made.map((d) => rmdir(d)));
    }
  });
});
