/**
 * The node-local pipelines every collector runs: this node's /proc and /sys
 * (node-exporter's series) and its cgroups (cAdvisor's), into any Appendable —
 * the embedded store in `start`, the remote-write queue in `collector`.
 */
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { createPipeline, type Pipeline } from '../../pipelines/index.js';
import { createCgroupSource } from '../../sources/cgroup/index.js';
import { createProcfsSource } from '../../sources/procfs/index.js';
import type { Appendable } from '../../tsdb/index.js';
import { kubeletWiring } from './kubelet-wiring.js';

export function nodeLocalPipelines(config: Config, appendable: Appendable, logger: Logger, registry: Registry): Pipeline[] {
  const node = config.nodeName ?? hostname();
  const pipelines: Pipeline[] = [];
  const kubelet = kubeletWiring(config, node, logger);
  if (config.procfs.enabled) {
    pipelines.push(
      createPipeline({
        name: 'node',
        sources: [createProcfsSource(config.procfs)],
        intervalMs: config.pipelines.full.interval,
        appendable,
        logger: logger.child({ component: 'pipeline', pipeline: 'node' }),
        registry,
        // The labels the node-mixin's rules select on.
        targetLabels: { job: 'node', instance: node },
      }),
    );
  }
  if (config.cgroup.enabled) {
    // Without Kubernetes, top-level cgroups (systemd services, Docker containers) are containers of namespace "host".
    pipelines.push(
      createPipeline({
        name: 'containers',
        sources: [
          createCgroupSource({
            procPath: config.procfs.procPath,
            cgroupRoot: config.cgroup.cgroupRoot,
            ...(kubelet.podLookup ? { podLookup: kubelet.podLookup } : {}),
          }),
        ],
        intervalMs: config.pipelines.full.interval,
        appendable,
        logger: logger.child({ component: 'pipeline', pipeline: 'containers' }),
        registry,
        targetLabels: { job: 'cadvisor', instance: node, node },
      }),
    );
  }
  if (kubelet.sources.length > 0) {
    pipelines.push(
      createPipeline({
        name: 'kubelet',
        sources: kubelet.sources,
        intervalMs: config.pipelines.full.interval,
        appendable,
        logger: logger.child({ component: 'pipeline', pipeline: 'kubelet' }),
        registry,
        targetLabels: { instance: node },
      }),
    );
  }
  return pipelines;
}
