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
import { createPipeline, type Pipeline } from '../../pipelines/index.js';
import { err, ok, type Result } from '../../result.js';
import { createKubeSource, loadKubeConfig, type KubeConnection, type KubeSource } from '../../sources/kube/index.js';
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

export function clusterPipeline(
  config: Config,
  connection: KubeConnection,
  appendable: Appendable,
  logger: Logger,
  registry: Registry,
): Result<{ pipeline: Pipeline; source: KubeSource }, string> {
  const kc = loadKubeConfig(connection);
  if (!kc.ok) return err(`cannot connect to Kubernetes: ${kc.error.message}`);
  const source = createKubeSource({ kubeConfig: kc.value, logger: logger.child({ component: 'kube' }) });
  return ok({
    source,
    pipeline: createPipeline({
      name: 'cluster',
      sources: [source],
      intervalMs: config.pipelines.resource.interval,
      appendable,
      logger: logger.child({ component: 'pipeline', pipeline: 'cluster' }),
      registry,
      targetLabels: { job: 'kube-state-metrics' },
    }),
  });
}
