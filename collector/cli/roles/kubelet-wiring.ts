/**
 * The collector's view of its kubelet: one `/pods` fetch, refreshed in the
 * background, serves both the cgroup source (pod and container names) and pod
 * target discovery (annotated pods to scrape); and the kubelet's own
 * endpoints when asked for.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { podLookupOf, type PodLookup } from '../../sources/cgroup/index.js';
import { parseDiscoveryPods, type DiscoveredPods } from '../../sources/discovery/index.js';
import {
  createDirectKubeletClient,
  createKubeletSource,
  inClusterKubeletConnection,
  type KubeletClient,
} from '../../sources/kubelet/index.js';
import type { Source } from '../../sources/source.js';

/** The last `/pods` answer, read two ways. */
export interface PodListCache {
  /** Names for the cgroup source; asking refreshes the list when it is older than the cache's maximum age. */
  readonly lookup: PodLookup;
  /** The pods for target discovery, or undefined before the first good answer. */
  pods(): DiscoveredPods | undefined;
  /** Fetches /pods unless the last fetch is younger than `maxAgeMs` or one is in flight. */
  refresh(): void;
  /** `listener` gets the pods of every fetch whose answer differs from the last; returns the unsubscribe function. */
  onUpdate(listener: (pods: DiscoveredPods) => void): () => void;
  readonly maxAgeMs: number;
}

/**
 * A failed fetch keeps the last good list: a kubelet that hiccups must not
 * rename every container or stop every scrape.
 */
export function createPodListCache(
  client: KubeletClient,
  maxAgeMs: number,
  logger: Logger,
  clock: () => number = Date.now,
): PodListCache {
  let lookup: PodLookup | undefined;
  let discovered: DiscoveredPods | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight = false;
  const listeners = new Set<(pods: DiscoveredPods) => void>();

  // The kubelet sends every pod's full spec and status each time (~8 KB a pod) and has no ETag. On a
  // steady node the answer is byte for byte the last one: its digest costs a fraction of decoding and
  // parsing ~1 MB (bench/collector-cost.mjs), so only a changed answer is read again.
  let lastDigest: string | undefined;
  const load = async (): Promise<void> => {
    const res = await client.get('/pods');
    if (!res.ok) return logger.warn('reading pods from the kubelet failed', { error: res.error.message });
    const { body } = res.value;
    const digest = createHash('sha256').update(body).digest('base64');
    if (digest === lastDigest) return;
    lastDigest = digest;
    const place = `GET ${res.value.url}`;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch (e) {
      return logger.warn('pod names from the kubelet unusable', {
        error: `${place}: not JSON: ${(e as Error).message}`,
      });
    }
    const parsedLookup = podLookupOf(json, place);
    if (parsedLookup.ok) lookup = parsedLookup.value;
    else logger.warn('pod names from the kubelet unusable', { error: parsedLookup.error.message });
    const pods = parseDiscoveryPods(json, place);
    for (const problem of pods.problems) logger.warn('pod skipped by target discovery', { error: problem });
    discovered = pods;
    for (const l of listeners) l(pods);
  };

  const refresh = (): void => {
    if (inFlight || clock() - fetchedAt < maxAgeMs) return;
    inFlight = true;
    fetchedAt = clock();
    void load()
      .catch((e: unknown) => logger.error('reading pods from the kubelet failed', { error: e }))
      .finally(() => (inFlight = false));
  };

  refresh();
  return {
    maxAgeMs,
    lookup: (podUid, containerId) => {
      refresh();
      return lookup?.(podUid, containerId);
    },
    pods: () => discovered,
    refresh,
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface KubeletWiring {
  readonly podLookup?: PodLookup;
  /** This node's pods from the kubelet, for target discovery (absent without a kubelet address). */
  readonly podList?: PodListCache;
  readonly sources: readonly Source[];
}

/**
 * How often /pods is read: as often as the faster pipeline runs, but not more
 * than every 5 s, since the kubelet answers with every pod's full spec.
 */
export function podListMaxAgeMs(config: Config): number {
  return Math.max(5_000, Math.min(config.pipelines.resource.interval, config.pipelines.full.interval));
}

export function kubeletWiring(config: Config, node: string, logger: Logger): KubeletWiring {
  const { address, port, insecureSkipVerify, endpoints } = config.kubelet;
  if (address === undefined || address === '') return { sources: [] };
  const log = logger.child({ component: 'kubelet' });
  const inCluster = inClusterKubeletConnection({ nodeAddress: address, port, insecureSkipVerify });
  if (inCluster.kind !== 'direct') throw new Error('in-cluster kubelet connections are direct'); // an invariant
  const { kind: _direct, ...connection } = inCluster;
  // Outside a pod (a collector run on the node itself, or a test) there is no ServiceAccount token; the
  // kubelet then decides whether anonymous requests may read it, which beats failing every request here.
  const tokenFile = connection.tokenFile;
  const anonymous = tokenFile !== undefined && !existsSync(tokenFile);
  if (anonymous) log.warn('no ServiceAccount token: requests to the kubelet carry no credentials', { tokenFile });
  const client = createDirectKubeletClient(anonymous ? { ...connection, tokenFile: undefined } : connection);
  const podList = createPodListCache(client, podListMaxAgeMs(config), log);
  const source = createKubeletSource({
    node,
    connection: { kind: 'client', client },
    endpoints: endpoints.length > 0 ? endpoints : ['resource'],
  });
  return { podLookup: podList.lookup, podList, sources: endpoints.length > 0 ? [source] : [] };
}
