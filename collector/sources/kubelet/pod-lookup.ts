/**
 * The kubelet's `/pods` as a `PodLookup`, so the cgroup source can name the
 * pods on its node without an API-server watch. Parsing is the cgroup
 * source's own `parsePodList`; this file only fetches.
 */
import type { PodLookup } from '../cgroup/index.js';
import { parsePodList } from '../cgroup/index.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import type { KubeletClient } from './kubelet-client.js';
import type { KubeletError } from './kubelet-response.js';

/**
 * @example
 * const lookup = await fetchPodLookup(client);
 * if (lookup.ok) createCgroupSource({ podLookup: lookup.value });
 * else log.warn('no pod names', { error: lookup.error.message });
 */
export async function fetchPodLookup(
  client: KubeletClient,
  signal?: AbortSignal,
): Promise<Result<PodLookup, KubeletError>> {
  const res = await client.get('/pods', signal);
  if (!res.ok) return res;
  const lookup = parsePodList(new TextDecoder().decode(res.value.body), `GET ${res.value.url}`);
  if (!lookup.ok) return err({ url: res.value.url, kind: 'decode', message: lookup.error.message });
  return ok(lookup.value);
}
