import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDiscoveryPods, type DiscoveredPod } from './discovery-pod.js';
import { podTargets, sanitizeLabelName } from './pod-targets.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** A real kubelet /pods of a kind node (Kubernetes 1.34); its pods carry no scrape annotations. */
const CAPTURE = join(REPO_ROOT, '../shared/fixtures/kubelet/nri-kubernetes/1_34/kubelet/pods');
const NODE = 'datagen-1-34';
const OPTIONS = { node: NODE, intervalMs: 30_000, timeoutMs: 10_000 };

type RawPod = { metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> } };

/** The capture with `annotations` added to the pods whose name starts with a key of `byPrefix`. */
function capturedPods(byPrefix: Record<string, Record<string, string>> = {}): DiscoveredPod[] {
  const list = JSON.parse(readFileSync(CAPTURE, 'utf8')) as { items: RawPod[] };
  for (const item of list.items) {
    for (const [prefix, annotations] of Object.entries(byPrefix)) {
      if (item.metadata.name.startsWith(prefix))
        item.metadata.annotations = { ...item.metadata.annotations, ...annotations };
    }
  }
  const parsed = parseDiscoveryPods(list, 'pods');
  expect(parsed.problems).toEqual([]);
  return [...parsed.pods];
}

const SCRAPE = { 'prometheus.io/scrape': 'true' };

describe('podTargets', () => {
  it('scrapes nothing when no pod asks for it, and lists what the pod role found as dropped', () => {
    const { active, dropped, problems } = podTargets(capturedPods(), OPTIONS);
    expect(active).toEqual([]);
    expect(problems).toEqual([]);
    const addresses = dropped.map((d) => d.discoveredLabels.__address__);
    // coredns declares 53/UDP, 53/TCP, 9153, 8080, 8181: its four TCP ports are targets, the UDP one is not.
    expect(addresses.filter((a) => a?.startsWith('10.244.0.2:')).sort()).toEqual([
      '10.244.0.2:53',
      '10.244.0.2:8080',
      '10.244.0.2:8181',
      '10.244.0.2:9153',
    ]);
    // A pod that declares no port is one port-free target.
    expect(addresses).toContain('10.244.0.5');
    const ksm = dropped.find((d) => d.discoveredLabels.__address__ === '10.244.0.6:8080')?.discoveredLabels;
    expect(ksm).toMatchObject({
      job: 'kubernetes-pods',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __scrape_interval__: '30s',
      __scrape_timeout__: '10s',
      __meta_kubernetes_namespace: 'scraper',
      __meta_kubernetes_pod_name: 'e2e-kube-state-metrics-64d545d47-nvr8f',
      __meta_kubernetes_pod_ip: '10.244.0.6',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: NODE,
      __meta_kubernetes_pod_host_ip: '192.168.58.2',
      __meta_kubernetes_pod_uid: '990d239a-a2c4-447a-aa76-f90be5dfd3a9',
      __meta_kubernetes_pod_container_name: 'kube-state-metrics',
      __meta_kubernetes_pod_container_port_name: 'http',
      __meta_kubernetes_pod_container_port_number: '8080',
      __meta_kubernetes_pod_container_port_protocol: 'TCP',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'kube-state-metrics',
      __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
      __meta_kubernetes_pod_annotationpresent_kubernetes_io_config_source: 'true',
    });
  });

  it('turns an annotated pod without a port annotation into one target per declared TCP port', () => {
    const { active } = podTargets(capturedPods({ 'e2e-kube-state-metrics': SCRAPE, coredns: SCRAPE }), OPTIONS);
    expect(active.map((t) => t.url).sort()).toEqual([
      'http://10.244.0.2:53/metrics',
      'http://10.244.0.2:8080/metrics',
      'http://10.244.0.2:8181/metrics',
      'http://10.244.0.2:9153/metrics',
      'http://10.244.0.6:8080/metrics',
    ]);
    const ksm = active.find((t) => t.url === 'http://10.244.0.6:8080/metrics');
    expect(ksm?.labels).toEqual({
      app_kubernetes_io_component: 'metrics',
      app_kubernetes_io_instance: 'e2e',
      app_kubernetes_io_managed_by: 'Helm',
      app_kubernetes_io_name: 'kube-state-metrics',
      app_kubernetes_io_part_of: 'kube-state-metrics',
      app_kubernetes_io_version: '2.16.0',
      helm_sh_chart: 'kube-state-metrics-6.1.5',
      pod_template_hash: '64d545d47',
      job: 'kubernetes-pods',
      instance: '10.244.0.6:8080',
      namespace: 'scraper',
      pod: 'e2e-kube-state-metrics-64d545d47-nvr8f',
      container: 'kube-state-metrics',
      node: NODE,
    });
  });

  it('collapses a pod onto the annotated port, naming the container that declares it', () => {
    const { active } = podTargets(
      capturedPods({ coredns: { ...SCRAPE, 'prometheus.io/port': '9153', 'prometheus.io/path': 'stats' } }),
      OPTIONS,
    );
    expect(active).toHaveLength(1);
    expect(active[0]?.url).toBe('http://10.244.0.2:9153/stats');
    expect(active[0]?.labels).toMatchObject({ instance: '10.244.0.2:9153', container: 'coredns', k8s_app: 'kube-dns' });
    expect(active[0]?.discoveredLabels.__meta_kubernetes_pod_container_port_name).toBe('metrics');
  });

  it('scrapes an undeclared annotated port without a container label', () => {
    const { active } = podTargets(
      capturedPods({ 'e2e-daemonset': { ...SCRAPE, 'prometheus.io/port': '9100' } }),
      OPTIONS,
    );
    expect(active.map((t) => t.url)).toEqual(['http://10.244.0.5:9100/metrics']);
    expect(active[0]?.labels.container).toBeUndefined();
  });

  it('gives a port-free pod the scheme default port, and follows the scheme and path annotations', () => {
    const { active } = podTargets(
      capturedPods({
        'e2e-statefulset-0': SCRAPE,
        'e2e-statefulset-1': { ...SCRAPE, 'prometheus.io/scheme': 'https', 'prometheus.io/path': '/admin/metrics' },
      }),
      OPTIONS,
    );
    expect(active.map((t) => t.url).sort()).toEqual([
      'http://10.244.0.12:80/metrics',
      'https://10.244.0.14:443/admin/metrics',
    ]);
  });

  it('keeps hostNetwork pods, whose address is the node', () => {
    const { active } = podTargets(capturedPods({ 'etcd-': SCRAPE }), OPTIONS);
    expect(active.map((t) => t.url)).toEqual(['http://192.168.58.2:2381/metrics']);
  });

  it('drops annotated pods that are not Running, and ignores pods without an IP or of another node', () => {
    const pods = capturedPods({ 'e2e-failjob': SCRAPE, 'e2e-cronjob-29472159': SCRAPE });
    const annotated = (over: Partial<DiscoveredPod>): DiscoveredPod => ({
      ...(pods.find((p) => p.name.startsWith('e2e-kube-state')) as DiscoveredPod),
      annotations: SCRAPE,
      ...over,
    });
    const { podIP: _ip, ...withoutIp } = annotated({ name: 'pending', phase: 'Pending' });
    const elsewhere = annotated({ name: 'elsewhere', nodeName: 'other-node' });
    const { active, dropped } = podTargets([...pods, withoutIp, elsewhere], OPTIONS);
    expect(active).toEqual([]);
    const droppedPods = new Set(dropped.map((d) => d.discoveredLabels.__meta_kubernetes_pod_name));
    expect(droppedPods).toContain('e2e-failjob-nkct8');
    expect(droppedPods).toContain('e2e-cronjob-29472159-pvnhf');
    expect(droppedPods).not.toContain('pending');
    expect(droppedPods).not.toContain('elsewhere');
  });

  it('only "true" opts a pod in', () => {
    for (const value of ['True', 'yes', '1', '']) {
      const { active } = podTargets(capturedPods({ 'e2e-kube-state': { 'prometheus.io/scrape': value } }), OPTIONS);
      expect(active, value).toEqual([]);
    }
  });

  it('names the pod and annotation of an unusable port or scheme, and drops only that pod', () => {
    const { active, problems, dropped } = podTargets(
      capturedPods({
        coredns: { ...SCRAPE, 'prometheus.io/port': 'metrics' },
        'e2e-statefulset-0': { ...SCRAPE, 'prometheus.io/scheme': 'ftp' },
        'e2e-kube-state': SCRAPE,
      }),
      OPTIONS,
    );
    expect(problems).toEqual([
      'pod scraper/e2e-statefulset-0: prometheus.io/scheme: expected "http" or "https", got "ftp"',
      'pod kube-system/coredns-66bc5c9577-d98t2: prometheus.io/port: expected a port number 1-65535, got "metrics"',
    ]);
    expect(active.map((t) => t.url)).toEqual(['http://10.244.0.6:8080/metrics']);
    expect(dropped.some((d) => d.discoveredLabels.__meta_kubernetes_pod_name === 'e2e-statefulset-0')).toBe(true);
  });

  it('never lets a pod label override the target labels, and sanitises label names', () => {
    const pod: DiscoveredPod = {
      namespace: 'shop',
      name: 'api-0',
      uid: 'u1',
      labels: {
        job: 'mine',
        instance: 'x',
        namespace: 'y',
        pod: 'z',
        node: 'n',
        container: 'c',
        'app.kubernetes.io/name': 'api',
        '9lives': 'cat',
        __secret: 's',
        empty: '',
      },
      annotations: { ...SCRAPE, 'prometheus.io/port': '8080' },
      hostNetwork: false,
      containers: [{ name: 'api', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
      phase: 'Running',
      podIP: 'fd00::5',
    };
    const { active } = podTargets([pod], { ...OPTIONS, node: 'n1' });
    expect(active[0]?.url).toBe('http://[fd00::5]:8080/metrics');
    expect(active[0]?.labels).toEqual({
      app_kubernetes_io_name: 'api',
      job: 'kubernetes-pods',
      instance: '[fd00::5]:8080',
      namespace: 'shop',
      pod: 'api-0',
      container: 'api',
      node: 'n1',
    });
    expect(sanitizeLabelName('a-b.c/d')).toBe('a_b_c_d');
  });

  it('gives a target a new identity when its address or labels change', () => {
    const pods = capturedPods({ 'e2e-kube-state': SCRAPE });
    const before = podTargets(pods, OPTIONS).active[0];
    const moved = pods.map((p) => (p.name.startsWith('e2e-kube-state') ? { ...p, podIP: '10.244.0.99' } : p));
    const relabelled = pods.map((p) =>
      p.name.startsWith('e2e-kube-state') ? { ...p, labels: { ...p.labels, tier: 'x' } } : p,
    );
    expect(podTargets(pods, OPTIONS).active[0]?.key).toBe(before?.key);
    expect(podTargets(moved, OPTIONS).active[0]?.key).not.toBe(before?.key);
    expect(podTargets(relabelled, OPTIONS).active[0]?.key).not.toBe(before?.key);
  });
});

describe('parseDiscoveryPods', () => {
  it('skips a malformed pod with its place and keeps the others', () => {
    const good = { metadata: { name: 'a', namespace: 'ns' }, status: { phase: 'Running', podIP: '10.0.0.1' } };
    const bad = {
      metadata: { name: 'b', namespace: 'ns' },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 'http' }] }] },
    };
    const r = parseDiscoveryPods({ items: [good, bad, 7] }, 'GET https://10.0.0.5:10250/pods');
    expect(r.pods.map((p) => p.name)).toEqual(['a']);
    expect(r.problems).toEqual([
      'GET https://10.0.0.5:10250/pods: items.1 (ns/b): spec.containers.0.ports.0.containerPort: Invalid input: expected number, received string',
      'GET https://10.0.0.5:10250/pods: items.2: Invalid input: expected object, received number',
    ]);
  });

  it('refuses something that is not a pod list', () => {
    expect(parseDiscoveryPods({ kind: 'Status' }, 'pods').problems).toEqual([
      'pods: expected a PodList with an items array',
    ]);
  });
});
