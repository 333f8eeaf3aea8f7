/**
 * The node-local pipelines every collector runs, into any Appendable — the
 * embedded store in `start`, the remote-write queue in `collector`:
 *
 * - `resource` (every 15 s by default): CPU and memory of the node (/proc/stat,
 *   /proc/meminfo) and of its containers (3 cgroup files each) — what
 *   metrics.k8s.io serves, cheap enough to run often everywhere;
 * - `full` (every 30 s by default): every other node-exporter and cAdvisor
 *   series, and the kubelet's endpoints when asked for.
 *
 * The two produce disjoint series (the sources' `scope`), so nothing is stored
 * twice; both label alike (job="node" / job="cadvisor"), so queries and rules
 * need not know which pipeline a series came from.
 */
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import { createSelfMetricsSource } from '../../http/self-metrics.js';
import type { Logger } from '../../log/index.js';
import { createPipeline, type LabelledSource, type Pipeline } from '../../pipelines/index.js';
import { createCgroupSource, shareDiscovery, type CgroupScope, type SharedDiscovery } from '../../sources/cgroup/index.js';
import { createProcfsSource, type ProcfsScope } from '../../sources/procfs/index.js';
import type { Appendable } from '../../tsdb/index.js';
import type { KubeletWiring } from './kubelet-wiring.js';

type Scope = ProcfsScope & CgroupScope;

export function nodeName(config: Config): string {
  return config.nodeName ?? hostname();
}

/** The node's own sources for one scope, each with the labels its series carry. */
function nodeSources(config: Config, node: string, scope: Exclude<Scope, 'all'>, kubelet: KubeletWiring, discovery: SharedDiscovery): LabelledSource[] {
  const sources: LabelledSource[] = [];
  // The labels the node-mixin's rules select on.
  if (config.procfs.enabled) sources.push({ source: createProcfsSource({ ...config.procfs, scope }), targetLabels: { job: 'node', instance: node } });
  if (config.cgroup.enabled) {
    // Without Kubernetes, top-level cgroups (systemd services, Docker containers) are containers of namespace "host".
    const targetLabels = { job: 'cadvisor', instance: node, node };
    const cgroups = createCgroupSource({
      scope,
      procPath: config.procfs.procPath,
      cgroupRoot: config.cgroup.cgroupRoot,
      discovery,
      targetLabels,
      // The resource scope's 3 files a container, read every 15 s, stay open (~6 MB of kernel slab on a 110-pod
      // node); the full scope's ~7,500, read every 30 s, are opened each time: ~0.17 % of a core instead of ~35 MB.
      keepFilesOpen: scope === 'resource',
      ...(kubelet.podLookup ? { podLookup: kubelet.podLookup } : {}),
    });
    sources.push({ source: cgroups, targetLabels });
  }
  if (scope === 'full') for (const source of kubelet.sources) sources.push({ source, targetLabels: { instance: node } });
  return sources;
}

export function nodeLocalPipelines(
  config: Config,
  appendable: Appendable,
  logger: Logger,
  registry: Registry,
  kubelet: KubeletWiring,
): Pipeline[] {
  const node = nodeName(config);
  // Every full tick is also a resource tick: the two cgroup sources share that moment's walk of the hierarchy.
  const discovery = shareDiscovery();
  const pipeline = (name: 'resource' | 'full', intervalMs: number): Pipeline[] => {
    const sources = nodeSources(config, node, name, kubelet, discovery);
    // kubepulse's own figures (queue, sources, process), stored as a Prometheus stores its self-scrape.
    if (name === 'full') sources.push({ source: createSelfMetricsSource(registry), targetLabels: { job: 'kubepulse', instance: node } });
    if (sources.length === 0) return [];
    return [createPipeline({ name, sources, intervalMs, appendable, logger, registry })];
  };
  return [...pipeline('resource', config.pipelines.resource.interval), ...pipeline('full', config.pipelines.full.interval)];
}
