/**
 * The cgroup source: every pod and container cgroup of this node (or, without
 * Kubernetes, every service and top-level cgroup) under cAdvisor's
 * `container_*` names, read straight from the cgroup filesystem. Files are
 * read synchronously in batches (see read-sync.ts), each parsed on its own, so
 * a garbled file costs only its own series and adds a problem naming it.
 */
import path from 'node:path';
import type { Labels } from '../../tsdb/interface.js';
import { CollectionBuilder, SeriesLabels } from '../collection-builder.js';
import type { Collection, MetricMeta, Source } from '../source.js';
import type { CgroupOptions } from './cgroup-options.js';
import { resolveOptions } from './cgroup-options.js';
import type { CgroupStats } from './cgroup-stats.js';
import type { DeviceName } from './container-metrics.js';
import { emitContainer, M } from './container-metrics.js';
import { parseDiskstatsNames } from './device-names.js';
import type { DiscoveredCgroup } from './discovery.js';
import { FileReader } from './file-reader.js';
import type { CgroupLayout } from './layout.js';
import { detectCgroupLayout } from './layout.js';
import { createLimiter } from './limiter.js';
import type { PodLookup } from './pod-lookup.js';
import { readV1 } from './read-v1.js';
import { readV1Resource, readV2Resource } from './read-resource.js';
import { readV2 } from './read-v2.js';
import { syncFiles } from './read-sync.js';

export const SOURCE_NAME = 'cgroup';

/** Namespace label of host cgroups (systemd services, plain Docker containers) on nodes without Kubernetes. */
export const HOST_NAMESPACE = 'host';

/** How many characters of a container ID stand for it when no PodLookup knows its name (Docker's short ID). */
const SHORT_ID_LENGTH = 12;

/** The series of the `resource` scope; `full` has every other one. */
const RESOURCE_SERIES: ReadonlySet<string> = new Set([M.cpuUsage.name, M.memoryWorkingSet.name]);

/** Cgroups read together; one batch of about 17 files each. */
const CHUNK = 32;

export function containerLabels(c: DiscoveredCgroup, lookup: PodLookup | undefined): Labels {
  const i = c.identity;
  switch (i.kind) {
    case 'container': {
      const n = lookup?.(i.podUid, i.containerId);
      return n
        ? { id: c.id, name: i.containerId, image: n.image, namespace: n.namespace, pod: n.pod, container: n.container }
        : {
            id: c.id,
            name: i.containerId,
            image: '',
            namespace: '',
            pod: i.podUid,
            container: i.containerId.slice(0, SHORT_ID_LENGTH),
          };
    }
    case 'pod': {
      const n = lookup?.(i.podUid, '');
      return { id: c.id, name: '', image: '', namespace: n?.namespace ?? '', pod: n?.pod ?? i.podUid, container: '' };
    }
    case 'host':
      return { id: c.id, name: i.unit, image: '', namespace: HOST_NAMESPACE, pod: i.unit, container: i.unit };
    default: {
      const never: never = i;
      return never;
    }
  }
}

/**
 * @example
 * const source = createCgroupSource({ procPath: '/host/proc', cgroupRoot: '/host/sys/fs/cgroup', podLookup });
 * const { samples, metadata, problems } = await source.collect();
 */
export function createCgroupSource(options?: CgroupOptions): Source {
  const o = resolveOptions(options);
  const limit = createLimiter(o.readConcurrency);
  const files = syncFiles(o.keepFilesOpen ? undefined : 0);
  // The hierarchy does not change while the node runs; detect it once it has worked.
  let layout: CgroupLayout | undefined;
  // Each cgroup's labels as the same object while its pod and names stay the same, and so each of its
  // series' label objects (see SeriesLabels): downstream, a steady node's series cost no label work.
  const series = new SeriesLabels(o.targetLabels);
  let bases = new Map<string, Labels>();

  return {
    name: SOURCE_NAME,
    async collect(signal?: AbortSignal): Promise<Collection> {
      const out = new CollectionBuilder(SOURCE_NAME, series);
      const problem = (place: string, message: string): void => out.problem(place, message);

      if (!layout) {
        const detected = await detectCgroupLayout(o);
        if (!detected.ok) {
          problem(path.join(o.procPath, 'self', 'mountinfo'), detected.error.message);
          return out.build();
        }
        layout = detected.value;
        for (const p of layout.problems) problem(p.place, p.message);
      }
      const l = layout;
      const reader = new FileReader(files);
      const lean = o.scope === 'resource';
      // Device names label only the block I/O series, which the lean scope does not produce.
      const found = await o.discovery.discover(l.walkDir, limit);
      const devices = lean ? undefined : reader.parse(o.procPath, 'diskstats', parseDiskstatsNames);
      for (const p of found.problems) problem(p.place, p.message);
      const deviceName: DeviceName = (majMin) => devices?.get(majMin) ?? majMin;

      const read = (c: DiscoveredCgroup): CgroupStats | undefined => {
        if (signal?.aborted) return undefined;
        if (lean) {
          return l.mode === 'v2'
            ? readV2Resource(`${l.walkDir}${c.id}`, reader)
            : readV1Resource(c.id, l.controllerDirs, reader);
        }
        // `full` reads what `all` does: its series need every file but cpuacct.usage (v1), and
        // reading the same files keeps the vanished-cgroup check below the same in every scope.
        return l.mode === 'v2'
          ? readV2(`${l.walkDir}${c.id}`, reader)
          : readV1(c.id, l.controllerDirs, l.walkDir, reader);
      };
      const keep =
        o.scope === 'all'
          ? undefined
          : (name: string): boolean => RESOURCE_SERIES.has(name) === (o.scope === 'resource');
      const sink = {
        add(meta: MetricMeta, labels: Labels, value: number, extraName?: string, extraValue?: string): void {
          if (!keep || keep(meta.name)) out.add(meta, labels, value, extraName, extraValue);
        },
      };
      const seen = new Map<string, Labels>();
      const baseLabels = (c: DiscoveredCgroup): Labels => {
        const fresh = containerLabels(c, o.podLookup);
        const before = bases.get(c.id);
        const base = before && sameLabels(before, fresh) ? before : fresh;
        seen.set(c.id, base);
        return base;
      };
      // A chunk at a time: the texts and figures of only CHUNK cgroups are alive at once, which keeps the heap small.
      for (let start = 0; start < found.cgroups.length; start += CHUNK) {
        // Synchronous reads resolve at once: let timers and requests run between batches.
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        const end = Math.min(start + CHUNK, found.cgroups.length);
        for (let i = start; i < end; i++) {
          const c = found.cgroups[i] as DiscoveredCgroup;
          const s = read(c);
          // A directory without CPU or memory figures is a cgroup that vanished mid-read, or a controller-less shell.
          if (!s || (s.cpuUsageSeconds === undefined && s.memoryUsageBytes === undefined)) continue;
          emitContainer(s, baseLabels(c), deviceName, sink);
        }
      }
      bases = seen;
      files.endCollection();
      for (const p of reader.problems) problem(p.place, p.message);
      if (signal?.aborted) problem(l.walkDir, 'collection aborted; series of cgroups not yet read are missing');
      return out.build();
    },
  };
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (let i = 0; i < keys.length; i++) if (a[keys[i] as string] !== b[keys[i] as string]) return false;
  return true;
}
