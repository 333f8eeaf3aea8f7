/**
 * Every node's kubelet through the API server's node proxy, for `kubepulse
 * start` watching a cluster from outside. The node list is asked for on each
 * collection (nodes come and go); each node keeps its own client, and a node
 * whose kubelet is down is reported next to the others' samples.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { s } from '../../schema/index.js';
import type { Labels } from '../../tsdb/interface.js';
import type { KubeApi } from '../kube/index.js';
import type { Collection, MetricMeta, Source } from '../source.js';
import type { KubeletRequestLimits } from './kubelet-client.js';
import type { KubeletEndpoint } from './kubelet-source.js';
import { createKubeletSource, SOURCE_NAME } from './kubelet-source.js';

/** The names of the nodes to read; a seam so the hub can pass the names its informer already holds. */
export type ListNodes = (signal?: AbortSignal) => Promise<Result<readonly string[], Error>>;

export interface ClusterKubeletSourceOptions extends KubeletRequestLimits {
  readonly kubeConfig: KubeConfig;
  /** Default: GET /api/v1/nodes with the same KubeConfig. */
  readonly listNodes?: ListNodes;
  readonly endpoints?: readonly KubeletEndpoint[];
  readonly targetLabels?: Labels;
}

const NodeList = s.object({ items: s.array(s.object({ metadata: s.object({ name: s.string() }) })) });

/** GET /api/v1/nodes → names; errors name the server and what was wrong. */
export function listNodesFromApi(kubeConfig: KubeConfig): ListNodes {
  // Loaded on first use: the API client brings @kubernetes/client-node, which a collector (importing this
  // folder for its own kubelet) must not pay for.
  let loading: Promise<KubeApi> | undefined;
  return async (signal) => {
    loading ??= import('../kube/api-client.js').then((m) => m.createKubeApi(kubeConfig));
    const api = await loading;
    const r = await api.list('/api/v1/nodes', {}, signal ?? new AbortController().signal);
    if (!r.ok) return r;
    const parsed = NodeList.safeParse(r.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return err(
        new Error(
          `GET ${api.server}/api/v1/nodes: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a NodeList'}`,
        ),
      );
    }
    return ok(parsed.data.items.map((i) => i.metadata.name));
  };
}

/**
 * @example
 * const kc = loadKubeConfig({ kind: 'kubeconfig' });
 * if (kc.ok) sources.push(createClusterKubeletSource({ kubeConfig: kc.value, endpoints: ['resource'] }));
 */
export function createClusterKubeletSource(options: ClusterKubeletSourceOptions): Source {
  const listNodes = options.listNodes ?? listNodesFromApi(options.kubeConfig);
  const perNode = new Map<string, Source>();
  const sourceFor = (node: string): Source => {
    let source = perNode.get(node);
    if (!source) {
      source = createKubeletSource({
        node,
        connection: {
          kind: 'proxy',
          kubeConfig: options.kubeConfig,
          node,
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
        },
        ...(options.endpoints ? { endpoints: options.endpoints } : {}),
        ...(options.targetLabels ? { targetLabels: options.targetLabels } : {}),
      });
      perNode.set(node, source);
    }
    return source;
  };

  return {
    name: SOURCE_NAME,
    async collect(signal?: AbortSignal): Promise<Collection> {
      const nodes = await listNodes(signal);
      if (!nodes.ok) {
        return {
          samples: [],
          metadata: [],
          problems: [{ source: SOURCE_NAME, place: 'nodes', message: `cannot list nodes: ${nodes.error.message}` }],
        };
      }
      const current = new Set(nodes.value);
      for (const name of perNode.keys()) if (!current.has(name)) perNode.delete(name);
      // Each node's collect() reports its failures as problems and never rejects.
      const parts = await Promise.all(nodes.value.map((n) => sourceFor(n).collect(signal)));
      const metadata = new Map<string, MetricMeta>();
      for (const p of parts) for (const m of p.metadata) if (!metadata.has(m.name)) metadata.set(m.name, m);
      return {
        samples: parts.flatMap((p) => p.samples),
        metadata: [...metadata.values()],
        problems: parts.flatMap((p) => p.problems),
      };
    },
  };
}
