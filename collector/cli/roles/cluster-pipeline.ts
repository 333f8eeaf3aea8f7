/**
 * Cluster object state (kube-state-metrics' series) from the API server: the
 * hub watches the whole cluster with its ServiceAccount; `start` watches a
 * cluster from outside when given a kubeconfig.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { createPipeline, type LabelledSource, type Pipeline } from '../../pipelines/index.js';
import { err, ok, type Result } from '../../result.js';
import { createKubeSource, loadKubeConfig, type KubeConnection, type KubeSource } from '../../sources/kube/index.js';
import { createClusterKubeletSource, listNodesFromApi, type KubeletEndpoint } from '../../sources/kubelet/index.js';
import type { Appendable } from '../../tsdb/index.js';

export type Role = 'start' | 'hub';

/** Which cluster to watch, or undefined for none. */
export function kubeConnection(config: Config, role: Role, env: NodeJS.ProcessEnv): KubeConnection | undefined {
  const { mode, kubeconfig, context } = config.kube;
  const ctx = context !== undefined ? { context } : {};
  switch (mode) {
    case 'off':
      return undefined;
    case 'in-cluster':
      return { kind: 'in-cluster' };
    case 'kubeconfig':
      return { kind: 'kubeconfig', ...(kubeconfig !== undefined ? { path: kubeconfig } : {}), ...ctx };
    case 'auto': {
      if (kubeconfig !== undefined) return { kind: 'kubeconfig', path: kubeconfig, ...ctx };
      if (role === 'hub') return env.KUBERNETES_SERVICE_HOST ? { kind: 'in-cluster' } : { kind: 'kubeconfig', ...ctx };
      const found = env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
      return existsSync(found.split(':')[0] ?? found) ? { kind: 'kubeconfig', path: found, ...ctx } : undefined;
    }
  }
}

/**
 * The hub's and `start`'s view of the cluster: object state (kube-state-metrics' series) at the resource
 * interval. `start` watches from outside, where no collector runs on the nodes: it also reads every
 * kubelet through the API server's node proxy — /metrics/resource with the object state (what
 * metrics.k8s.io serves, job="kubelet") and /metrics/cadvisor at the full interval (job="cadvisor", the
 * series the rules select).
 */
export function clusterPipeline(
  config: Config,
  role: Role,
  connection: KubeConnection,
  appendable: Appendable,
  logger: Logger,
  registry: Registry,
): Result<{ pipelines: Pipeline[]; source: KubeSource }, string> {
  const kc = loadKubeConfig(connection);
  if (!kc.ok) return err(`cannot connect to Kubernetes: ${kc.error.message}`);
  const source = createKubeSource({ kubeConfig: kc.value, logger: logger.child({ component: 'kube' }) });
  const fromOutside = role === 'start';
  // One API client lists the nodes for both kubelet sources.
  const listNodes = listNodesFromApi(kc.value);
  const kubelets = (endpoint: KubeletEndpoint, job: string): LabelledSource => ({
    source: createClusterKubeletSource({ kubeConfig: kc.value, listNodes, endpoints: [endpoint], targetLabels: { job } }),
    targetLabels: { job },
  });
  const pipeline = (name: string, intervalMs: number, sources: LabelledSource[]): Pipeline =>
    createPipeline({ name, sources, intervalMs, appendable, logger, registry });
  const state: LabelledSource = { source, targetLabels: { job: 'kube-state-metrics' } };
  const pipelines = [pipeline('cluster', config.pipelines.resource.interval, fromOutside ? [state, kubelets('resource', 'kubelet')] : [state])];
  if (fromOutside) pipelines.push(pipeline('cluster-full', config.pipelines.full.interval, [kubelets('cadvisor', 'cadvisor')]));
  return ok({ source, pipelines });
}
