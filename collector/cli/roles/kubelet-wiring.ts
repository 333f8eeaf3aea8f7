/**
 * The collector's view of its kubelet: pod and container names for the cgroup
 * source (from /pods, refreshed in the background), and the kubelet's own
 * endpoints when asked for.
 */
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { PodLookup } from '../../sources/cgroup/index.js';
import { createKubeletSource, fetchPodLookup, inClusterKubeletConnection, type KubeletClient } from '../../sources/kubelet/index.js';
import type { Source } from '../../sources/source.js';

/** A lookup that answers from the last /pods it fetched and refetches when older than `maxAgeMs`. */
export function refreshingPodLookup(client: KubeletClient, maxAgeMs: number, logger: Logger): PodLookup {
  let current: PodLookup | undefined;
  let fetchedAt = 0;
  let inFlight = false;
  const refresh = (): void => {
    if (inFlight) return;
    inFlight = true;
    void fetchPodLookup(client)
      .then((r) => {
        if (r.ok) {
          current = r.value;
          fetchedAt = Date.now();
        } else logger.warn('reading pods from the kubelet failed', { error: r.error.message });
      })
      .finally(() => (inFlight = false));
  };
  refresh();
  return (podUid, containerId) => {
    if (Date.now() - fetchedAt > maxAgeMs) refresh();
    return current?.(podUid, containerId);
  };
}

export interface KubeletWiring {
  readonly podLookup?: PodLookup;
  readonly sources: readonly Source[];
}

export function kubeletWiring(config: Config, node: string, logger: Logger): KubeletWiring {
  const { address, port, insecureSkipVerify, endpoints } = config.kubelet;
  if (address === undefined || address === '') return { sources: [] };
  const source = createKubeletSource({
    node,
    connection: inClusterKubeletConnection({ nodeAddress: address, port, insecureSkipVerify }),
    endpoints: endpoints.length > 0 ? endpoints : ['resource'],
  });
  return {
    podLookup: refreshingPodLookup(source.client, Math.max(15_000, config.pipelines.resource.interval), logger.child({ component: 'kubelet' })),
    sources: endpoints.length > 0 ? [source] : [],
  };
}
