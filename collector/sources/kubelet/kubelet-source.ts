/**
 * The kubelet source: one node's /metrics/resource, /metrics/cadvisor and
 * /stats/summary, fetched in parallel. An endpoint that fails costs only its
 * own series and adds a problem naming its URL; an `up` series per endpoint
 * says which ones answered, as a Prometheus scrape of the kubelet would.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Result } from '../../result.js';
import type { Collection, MetricMeta, SourceProblem, SourceSample } from '../source.js';
import type { Source } from '../source.js';
import type { ParsedKubeletMetrics } from './exposition-metrics.js';
import { parseKubeletMetrics } from './exposition-metrics.js';
import type { DirectKubeletOptions, KubeletClient, KubeletPath, ProxyKubeletOptions } from './kubelet-client.js';
import { createDirectKubeletClient, createProxyKubeletClient } from './kubelet-client.js';
import { parseSummary } from './summary-metrics.js';

export const SOURCE_NAME = 'kubelet';

export type KubeletEndpoint = 'resource' | 'cadvisor' | 'summary';
export const KUBELET_ENDPOINTS: readonly KubeletEndpoint[] = ['resource', 'cadvisor', 'summary'];

const PATHS = {
  resource: '/metrics/resource',
  cadvisor: '/metrics/cadvisor',
  summary: '/stats/summary',
} as const satisfies Record<KubeletEndpoint, KubeletPath>;

/** How to reach the kubelet: straight to :10250, through the API server, or a ready client (tests, sharing). */
export type KubeletConnection =
  | ({ readonly kind: 'direct' } & DirectKubeletOptions)
  | ({ readonly kind: 'proxy' } & ProxyKubeletOptions)
  | { readonly kind: 'client'; readonly client: KubeletClient };

export interface KubeletSourceOptions {
  readonly connection: KubeletConnection;
  /** The node's name; becomes the `node` label of every series. */
  readonly node: string;
  /** Default: all three. The lean pipeline wants only 'resource'. */
  readonly endpoints?: readonly KubeletEndpoint[];
  /**
   * Added to every series; the kubelet's own labels keep theirs as
   * `exported_<name>` on a conflict. Default `{ job: 'kubelet' }`, which
   * with `metrics_path` (always added) is what kubernetes-mixin selects on.
   */
  readonly targetLabels?: Labels;
}

const UP: MetricMeta = {
  name: 'up',
  type: 'gauge',
  help: '1 if the kubelet endpoint answered with parseable data, 0 if not',
};

/**
 * @example
 * const source = createKubeletSource({
 *   node: process.env.NODE_NAME ?? '',
 *   connection: { kind: 'direct', url: `https://${process.env.NODE_IP}:10250`, tokenFile, caFile },
 * });
 * const { samples, problems } = await source.collect(signal);
 */
export function createKubeletSource(options: KubeletSourceOptions): Source & { readonly client: KubeletClient } {
  const client = clientOf(options.connection);
  const endpoints = options.endpoints ?? KUBELET_ENDPOINTS;
  const base: Labels = { job: 'kubelet', ...options.targetLabels, node: options.node };

  const collectOne = async (endpoint: KubeletEndpoint, signal?: AbortSignal): Promise<Collection> => {
    const path = PATHS[endpoint];
    const target: Labels = { ...base, metrics_path: path };
    const up = (value: number): SourceSample => ({ labels: { __name__: 'up', ...target }, value });
    const res = await client.get(path, signal);
    if (!res.ok) return { samples: [up(0)], metadata: [], problems: [problem(res.error.url, res.error.message)] };
    const parsed: Result<ParsedKubeletMetrics, string> =
      endpoint === 'summary'
        ? parseSummary(res.value.body, target)
        : parseKubeletMetrics(res.value.body, res.value.contentType, target);
    if (!parsed.ok) {
      const what = endpoint === 'summary' ? 'bad stats summary' : 'bad metrics text';
      return {
        samples: [up(0)],
        metadata: [],
        problems: [problem(res.value.url, `GET ${res.value.url}: ${what}: ${parsed.error}`)],
      };
    }
    return { samples: [...parsed.value.samples, up(1)], metadata: parsed.value.metadata, problems: [] };
  };

  return {
    name: SOURCE_NAME,
    client,
    async collect(signal?: AbortSignal): Promise<Collection> {
      // collectOne never rejects (errors are values), so all() loses nothing here.
      const parts = await Promise.all(endpoints.map((e) => collectOne(e, signal)));
      const seenMeta = new Set<string>();
      const metadata: MetricMeta[] = [];
      for (const m of [...parts.flatMap((p) => p.metadata), UP]) {
        if (seenMeta.has(m.name)) continue;
        seenMeta.add(m.name);
        metadata.push(m);
      }
      return {
        samples: parts.flatMap((p) => p.samples),
        metadata,
        problems: parts.flatMap((p) => p.problems),
      };
    },
  };
}

function clientOf(c: KubeletConnection): KubeletClient {
  switch (c.kind) {
    case 'direct':
      return createDirectKubeletClient(c);
    case 'proxy':
      return createProxyKubeletClient(c);
    case 'client':
      return c.client;
    default: {
      const never: never = c;
      return never;
    }
  }
}

function problem(place: string, message: string): SourceProblem {
  return { source: SOURCE_NAME, place, message };
}
