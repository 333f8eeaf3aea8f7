/**
 * The metrics.k8s.io listener for the API aggregation layer (config
 * `metricsApi`): its serving certificate (files, or self-signed at start) and
 * its authentication (delegated to the kube-apiserver the hub already talks
 * to, or none). Off, and a no-op handle, unless `metricsApi.listen` is set.
 */
import { createDelegationApi, startAggregatedApi, type ResourceMetrics } from '../../api/metrics-k8s/index.js';
import type { Config } from '../../config/index.js';
import { servingCertificate } from '../../http/tls.js';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';
import { loadKubeConfig, type KubeConnection } from '../../sources/kube/index.js';

export interface MetricsApiHandle {
  /** host:port bound, when the listener is on. */
  readonly address?: string;
  stop(): Promise<void>;
}

export async function startMetricsApi(
  config: Config,
  metrics: ResourceMetrics,
  connection: KubeConnection | undefined,
  logger: Logger,
): Promise<Result<MetricsApiHandle, string>> {
  const { listen, certFile, keyFile, authentication } = config.metricsApi;
  if (listen === undefined) return ok({ stop: () => Promise.resolve() });
  const log = logger.child({ component: 'metrics-api' });

  let auth: Parameters<typeof startAggregatedApi>[0]['auth'] = { kind: 'none' };
  if (authentication === 'requestheader') {
    if (!connection) {
      return err(
        'metricsApi.authentication is requestheader, which asks the kube-apiserver who may call, but no cluster is configured (kube.mode); set kube.mode or metricsApi.authentication: none',
      );
    }
    const kc = loadKubeConfig(connection);
    if (!kc.ok) return err(`metricsApi: cannot connect to Kubernetes: ${kc.error.message}`);
    auth = { kind: 'requestheader', api: createDelegationApi(kc.value) };
  }

  const pair = await servingCertificate({
    ...(certFile !== undefined ? { certFile } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
  });
  if (!pair.ok) return err(`metricsApi: ${pair.error}`);
  const files = certFile !== undefined && keyFile !== undefined ? { tlsFiles: { certFile, keyFile } } : {};
  const started = await startAggregatedApi({ listen, tls: pair.value, ...files, metrics, auth, logger: log });
  if (!started.ok) return started;
  log.info('metrics.k8s.io aggregated API listening', {
    listen: started.value.address,
    authentication,
    certificate: certFile ?? 'self-signed',
  });
  return ok({ address: started.value.address, stop: () => started.value.stop(config.shutdownTimeout) });
}
