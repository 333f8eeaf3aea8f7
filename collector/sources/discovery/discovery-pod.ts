/**
 * The part of a v1 Pod that target discovery reads, narrowed with a schema at the
 * boundary (the kubelet's `/pods`). Each item is checked on its own, so one
 * malformed pod costs only itself: it comes back as a problem naming its
 * place (`GET …/pods: items.3 (shop/api-0): spec.containers.0.ports.0.containerPort: …`)
 * and the other pods are still discovered.
 */
import { s, type Infer } from '../../schema/index.js';

const ContainerPort = s.object({
  name: s.string().optional(),
  containerPort: s.number().int().min(1).max(65535),
  protocol: s.string().default('TCP'),
});

const Container = s.object({
  name: s.string(),
  ports: s.array(ContainerPort).nullish(),
});

const PodSchema = s.object({
  metadata: s.object({
    name: s.string(),
    namespace: s.string().default('default'),
    uid: s.string().default(''),
    labels: s.record(s.string(), s.string()).nullish(),
    annotations: s.record(s.string(), s.string()).nullish(),
  }),
  spec: s
    .object({
      nodeName: s.string().optional(),
      hostNetwork: s.boolean().optional(),
      containers: s.array(Container).nullish(),
    })
    .default({}),
  status: s
    .object({
      phase: s.string().optional(),
      podIP: s.string().optional(),
      hostIP: s.string().optional(),
    })
    .default({}),
});

export interface DiscoveredPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

export interface DiscoveredContainer {
  readonly name: string;
  readonly ports: readonly DiscoveredPort[];
}

/** A pod as discovery sees it; absent maps and lists are empty. */
export interface DiscoveredPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  readonly containers: readonly DiscoveredContainer[];
  /** Pending, Running, Succeeded, Failed, Unknown; '' when the status has none yet. */
  readonly phase: string;
  readonly podIP?: string;
  readonly hostIP?: string;
}

export interface DiscoveredPods {
  readonly pods: readonly DiscoveredPod[];
  /** One message per pod that could not be read, naming its place. */
  readonly problems: readonly string[];
}

/**
 * @example
 * const { pods, problems } = parseDiscoveryPods(JSON.parse(body), 'GET https://10.0.0.5:10250/pods');
 * for (const p of problems) logger.warn('pod skipped', { error: p });
 */
export function parseDiscoveryPods(podList: unknown, place: string): DiscoveredPods {
  if (podList === null || typeof podList !== 'object' || !Array.isArray((podList as { items?: unknown }).items)) {
    return { pods: [], problems: [`${place}: expected a PodList with an items array`] };
  }
  const items = (podList as { items: unknown[] }).items;
  const pods: DiscoveredPod[] = [];
  const problems: string[] = [];
  items.forEach((item, i) => {
    const parsed = PodSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      problems.push(`${place}: items.${i}${podName(item)}: ${where}${issue?.message ?? 'not a Pod'}`);
      return;
    }
    pods.push(toPod(parsed.data));
  });
  return { pods, problems };
}

function toPod(p: Infer<typeof PodSchema>): DiscoveredPod {
  const { metadata: m, spec, status } = p;
  return {
    namespace: m.namespace,
    name: m.name,
    uid: m.uid,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    hostNetwork: spec.hostNetwork === true,
    containers: (spec.containers ?? []).map((c) => ({ name: c.name, ports: c.ports ?? [] })),
    phase: status.phase ?? '',
    ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}),
    ...(status.podIP ? { podIP: status.podIP } : {}),
    ...(status.hostIP ? { hostIP: status.hostIP } : {}),
  };
}

/** ` (namespace/name)` when the broken item still has readable names, for the message. */
function podName(item: unknown): string {
  const meta = (item as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  if (!meta || typeof meta.name !== 'string') return '';
  return typeof meta.namespace === 'string' ? ` (${meta.namespace}/${meta.name})` : ` (${meta.name})`;
}
