/**
 * Walks one cgroup hierarchy and returns the cgroups to report: kubelet's pod
 * and container cgroups when the node runs Kubernetes, otherwise the host's
 * units and top-level cgroups (see cgroup-identity.ts). Only directories whose
 * name can lead to one of those are read, so a node's thousands of
 * `*.mount`/`*.socket` units cost one directory listing.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupIdentity } from './cgroup-identity.js';
import { childIdentity, hostEntry, isKubepodsRoot } from './cgroup-identity.js';
import type { Limiter } from './limiter.js';
import { describeError, isAbsent } from './read-file.js';
import type { FileProblem } from './text-lines.js';

export type DiscoveredIdentity =
  Extract<CgroupIdentity, { kind: 'pod' | 'container' }> | { readonly kind: 'host'; readonly unit: string };

export interface DiscoveredCgroup {
  /** The cgroup's path relative to the hierarchy root, with a leading `/`: cAdvisor's `id` label. */
  readonly id: string;
  readonly identity: DiscoveredIdentity;
}

export interface Discovery {
  readonly kubernetes: boolean;
  readonly cgroups: readonly DiscoveredCgroup[];
  readonly problems: readonly FileProblem[];
}

/** Deep enough for kind's nested roots (`/kubelet.slice/kubelet-kubepods.slice/…`) with room to spare. */
const MAX_DEPTH = 8;

export async function discoverCgroups(walkDir: string, limit: Limiter): Promise<Discovery> {
  const k8s: DiscoveredCgroup[] = [];
  const host: DiscoveredCgroup[] = [];
  const problems: FileProblem[] = [];
  let kubernetes = false;

  const subdirs = async (rel: string): Promise<string[]> => {
    const dir = path.join(walkDir, rel);
    try {
      const entries: Dirent[] = await limit(() => readdir(dir, { withFileTypes: true }));
      return entries.filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      // A pod or unit that ended between listing its parent and listing it is not a problem.
      if (rel === '/' || !isAbsent(error)) problems.push({ place: dir, message: describeError(error) });
      return [];
    }
  };

  const walkKube = async (rel: string, identity: CgroupIdentity, depth: number): Promise<void> => {
    const names = await subdirs(rel);
    await Promise.all(
      names.map(async (name) => {
        const child = childIdentity(identity, name);
        if (!child) return;
        const id = path.posix.join(rel, name);
        if (child.kind === 'pod' || child.kind === 'container') k8s.push({ id, identity: child });
        if (child.kind !== 'container' && depth < MAX_DEPTH) await walkKube(id, child, depth + 1);
      }),
    );
  };

  const walkHost = async (rel: string, depth: number): Promise<void> => {
    const names = await subdirs(rel);
    await Promise.all(
      names.map(async (name) => {
        const id = path.posix.join(rel, name);
        if (isKubepodsRoot(name)) {
          kubernetes = true;
          return walkKube(id, { kind: 'kubepods' }, depth + 1);
        }
        const entry = hostEntry(name, depth + 1);
        if (entry === 'container') host.push({ id, identity: { kind: 'host', unit: name } });
        else if (entry === 'descend' && depth < MAX_DEPTH) await walkHost(id, depth + 1);
      }),
    );
  };

  await walkHost('/', 0);
  const cgroups = kubernetes ? k8s : host;
  cgroups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { kubernetes, cgroups, problems };
}

/**
 * One walk for several sources of the same node: the resource and the full
 * pipeline collect at the same moments (every full tick is a resource tick), so
 * the second source takes the walk the first started, if it is at most
 * `maxAgeMs` old. A 110-pod node's walk lists ~115 directories.
 */
export interface SharedDiscovery {
  discover(walkDir: string, limit: Limiter): Promise<Discovery>;
}

export function shareDiscovery(maxAgeMs = 2_000, clock: () => number = Date.now): SharedDiscovery {
  let last: { walkDir: string; at: number; result: Promise<Discovery> } | undefined;
  return {
    discover(walkDir, limit) {
      const now = clock();
      if (last && last.walkDir === walkDir && now - last.at <= maxAgeMs) return last.result;
      const result = discoverCgroups(walkDir, limit);
      last = { walkDir, at: now, result };
      return result;
    },
  };
}
