/**
 * Which of this node's pods to scrape, and as what: Prometheus' pod role
 * followed by the conventional `kubernetes-pods` relabelling, as one pure
 * function.
 *
 * - The pod role yields one target per declared TCP container port at
 *   `podIP:port`, or one port-free target when the pod declares none (as
 *   Prometheus' example config says: "all the declared ports (or port-free
 *   target if none is declared)"). A port-free target is scraped on the
 *   scheme's default port, 80 or 443.
 * - `prometheus.io/scrape: "true"` keeps a pod's targets; any other value or
 *   none drops them. Only Running pods with an IP are kept (Pending,
 *   Succeeded and Failed are dropped, as the common config does).
 * - `prometheus.io/port` moves the address to `podIP:<port>`, which collapses
 *   the pod's targets into one; `prometheus.io/path` (default /metrics) and
 *   `prometheus.io/scheme` (http or https) shape the URL.
 * - Labels: the pod's labels (names sanitised to [a-zA-Z0-9_], as the
 *   `labelmap __meta_kubernetes_pod_label_(.+)` rule gives them), then `job`,
 *   `instance`, `namespace`, `pod`, `container` (when a container declares the
 *   port) and `node`, which a pod label can never override.
 */
import { formatDuration } from '../../config/index.js';
import type { Labels } from '../../tsdb/interface.js';
import type { DiscoveredContainer, DiscoveredPod, DiscoveredPort } from './discovery-pod.js';

export const KUBERNETES_PODS_JOB = 'kubernetes-pods';

export const ANNOTATION = {
  scrape: 'prometheus.io/scrape',
  port: 'prometheus.io/port',
  path: 'prometheus.io/path',
  scheme: 'prometheus.io/scheme',
} as const;

export interface PodTargetOptions {
  /** This node's name: pods whose spec names another node are not ours to scrape. */
  readonly node: string;
  /** Default `kubernetes-pods`. */
  readonly job?: string;
  /** Shown in discoveredLabels (`__scrape_interval__`, `__scrape_timeout__`). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** One target to scrape; two specs with the same `key` are the same target. */
export interface PodTargetSpec {
  readonly key: string;
  readonly url: string;
  /** The final target labels, `job` and `instance` included. */
  readonly labels: Labels;
  /** What the pod role discovered, before relabelling (Prometheus' `discoveredLabels`). */
  readonly discoveredLabels: Labels;
}

export interface DroppedPodTarget {
  readonly discoveredLabels: Labels;
}

export interface PodTargets {
  readonly active: readonly PodTargetSpec[];
  readonly dropped: readonly DroppedPodTarget[];
  /** Pods that asked to be scraped but whose annotations are unusable, one message each. */
  readonly problems: readonly string[];
}

interface Candidate {
  readonly container?: DiscoveredContainer;
  readonly port?: DiscoveredPort;
  readonly discovered: Labels;
}

/**
 * @example
 * const { active, dropped, problems } = podTargets(pods, { node: 'kind-worker', intervalMs: 30_000, timeoutMs: 10_000 });
 */
export function podTargets(pods: readonly DiscoveredPod[], options: PodTargetOptions): PodTargets {
  const active = new Map<string, PodTargetSpec>();
  const dropped: DroppedPodTarget[] = [];
  const problems: string[] = [];
  for (const pod of pods) {
    if (pod.nodeName !== undefined && pod.nodeName !== options.node) continue;
    // The pod role has nothing to offer for a pod without an IP (not yet scheduled or started).
    if (pod.podIP === undefined) continue;
    const candidates = candidatesOf(pod, pod.podIP, options);
    const keep = pod.annotations[ANNOTATION.scrape] === 'true' && pod.phase === 'Running';
    if (!keep) {
      dropped.push(...candidates.map((c) => ({ discoveredLabels: c.discovered })));
      continue;
    }
    const made = targetsOf(pod, pod.podIP, candidates, options);
    if (typeof made === 'string') {
      problems.push(`pod ${pod.namespace}/${pod.name}: ${made}`);
      dropped.push(...candidates.map((c) => ({ discoveredLabels: c.discovered })));
      continue;
    }
    for (const t of made) if (!active.has(t.key)) active.set(t.key, t);
  }
  return { active: [...active.values()], dropped, problems };
}

/** The pod role's targets: one per declared TCP port, or one port-free target. */
function candidatesOf(pod: DiscoveredPod, ip: string, options: PodTargetOptions): Candidate[] {
  const base = podMeta(pod, ip, options);
  const out: Candidate[] = [];
  for (const container of pod.containers) {
    for (const port of container.ports) {
      if (port.protocol.toUpperCase() !== 'TCP') continue;
      out.push({
        container,
        port,
        discovered: {
          ...base,
          __address__: hostPort(ip, port.containerPort),
          __meta_kubernetes_pod_container_init: 'false',
          __meta_kubernetes_pod_container_name: container.name,
          __meta_kubernetes_pod_container_port_name: port.name ?? '',
          __meta_kubernetes_pod_container_port_number: String(port.containerPort),
          __meta_kubernetes_pod_container_port_protocol: port.protocol,
        },
      });
    }
  }
  if (out.length === 0) out.push({ discovered: { ...base, __address__: hostFormat(ip) } });
  return out;
}

/** The relabelled targets of a pod that asked to be scraped, or why its annotations are unusable. */
function targetsOf(
  pod: DiscoveredPod,
  ip: string,
  candidates: readonly Candidate[],
  options: PodTargetOptions,
): PodTargetSpec[] | string {
  const a = pod.annotations;
  const scheme = a[ANNOTATION.scheme] ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') {
    return `${ANNOTATION.scheme}: expected "http" or "https", got ${JSON.stringify(scheme)}`;
  }
  const rawPath = a[ANNOTATION.path] ?? '';
  const path = rawPath === '' ? '/metrics' : rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const portText = a[ANNOTATION.port];
  let chosen: readonly { candidate: Candidate; port: number }[];
  if (portText !== undefined && portText !== '') {
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535))
      return `${ANNOTATION.port}: expected a port number 1-65535, got ${JSON.stringify(portText)}`;
    // Every target of the pod now has the same address; the one whose container declares the port names it.
    const declaring = candidates.find((c) => c.port?.containerPort === port);
    chosen = [{ candidate: declaring ?? { discovered: candidates[0]?.discovered ?? {} }, port }];
  } else {
    const fallback = scheme === 'https' ? 443 : 80;
    chosen = candidates.map((c) => ({ candidate: c, port: c.port?.containerPort ?? fallback }));
  }
  return chosen.map(({ candidate, port }) => {
    const instance = hostPort(ip, port);
    const labels: Record<string, string> = mappedPodLabels(pod.labels);
    Object.assign(labels, {
      job: options.job ?? KUBERNETES_PODS_JOB,
      instance,
      namespace: pod.namespace,
      pod: pod.name,
      node: pod.nodeName ?? options.node,
    });
    // `container` names the container that serves the port; a pod label of that name would only mislead.
    delete labels.container;
    if (candidate.container) labels.container = candidate.container.name;
    const url = `${scheme}://${instance}${encodePath(path)}`;
    return {
      key: `${url} ${JSON.stringify(Object.entries(labels).sort())}`,
      url,
      labels,
      discoveredLabels: candidate.discovered,
    };
  });
}

/** The discovered labels every target of the pod shares. */
function podMeta(pod: DiscoveredPod, ip: string, options: PodTargetOptions): Record<string, string> {
  const meta: Record<string, string> = {
    job: options.job ?? KUBERNETES_PODS_JOB,
    __metrics_path__: '/metrics',
    __scheme__: 'http',
    __scrape_interval__: formatDuration(options.intervalMs),
    __scrape_timeout__: formatDuration(options.timeoutMs),
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: ip,
    __meta_kubernetes_pod_uid: pod.uid,
    __meta_kubernetes_pod_phase: pod.phase,
    __meta_kubernetes_pod_node_name: pod.nodeName ?? options.node,
    __meta_kubernetes_pod_host_ip: pod.hostIP ?? '',
  };
  for (const [k, v] of Object.entries(pod.labels)) {
    meta[`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`] = v;
    meta[`__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  for (const [k, v] of Object.entries(pod.annotations)) {
    meta[`__meta_kubernetes_pod_annotation_${sanitizeLabelName(k)}`] = v;
    meta[`__meta_kubernetes_pod_annotationpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  return meta;
}

/**
 * Pod labels as target labels. Names are sanitised the way Prometheus names
 * its meta labels; when two names end up the same, the later one in sorted
 * order wins, as in Prometheus' labelmap. A name that would start with a digit
 * or `__` is not a valid (or is a reserved) label name, and is left out.
 */
export function mappedPodLabels(podLabels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(podLabels).sort()) {
    const name = sanitizeLabelName(k);
    if (/^\d/.test(name) || name.startsWith('__')) continue;
    const value = podLabels[k] as string;
    if (value !== '') out[name] = value;
  }
  return out;
}

/** Every character outside [a-zA-Z0-9_] becomes `_` (`app.kubernetes.io/name` → `app_kubernetes_io_name`). */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

const hostFormat = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);
const hostPort = (ip: string, port: number): string => `${hostFormat(ip)}:${port}`;

/** The path as a URL path: characters that would end it (`?`, `#`) or are not allowed are escaped. */
function encodePath(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
}
