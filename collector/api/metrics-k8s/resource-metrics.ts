/**
 * metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics computed from the store
 * through the PromQL engine, in exactly metrics-server's JSON shapes, so
 * `kubectl top` and autoscalers can read them once the APIService is registered.
 *
 * CPU is the usage rate over `windowMs` (metrics-server reports the window it
 * used); memory is the working set, as the kubelet's resource metrics define it.
 */
import type { QueryEngine } from '../../promql/index.js';
import type { Labels } from '../../tsdb/index.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';

export interface ResourceMetricsOptions {
  readonly engine: QueryEngine;
  /** The rate window; metrics-server's default resolution is 15 s, kubepulse uses 4 collection intervals. */
  readonly windowMs: number;
  readonly clock?: () => number;
}

export interface NodeMetrics {
  readonly metadata: { readonly name: string; readonly creationTimestamp: string; readonly labels?: Labels };
  readonly timestamp: string;
  readonly window: string;
  readonly usage: { readonly cpu: string; readonly memory: string };
}

export interface PodMetrics {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly creationTimestamp: string };
  readonly timestamp: string;
  readonly window: string;
  readonly containers: readonly { readonly name: string; readonly usage: { readonly cpu: string; readonly memory: string } }[];
}

const quote = (s: string): string => JSON.stringify(s);

async function vector(engine: QueryEngine, expr: string, t: number): Promise<{ labels: Labels; v: number }[]> {
  const r = await engine.instantQuery(expr, t);
  if (!r.ok) throw r.error;
  return r.value.value.type === 'vector' ? r.value.value.samples.map((s) => ({ labels: s.labels, v: s.v })) : [];
}

export function createResourceMetrics(o: ResourceMetricsOptions) {
  const clock = o.clock ?? Date.now;
  const w = `${Math.round(o.windowMs / 1000)}s`;
  const window = `${o.windowMs / 1000}s`;

  return {
    /**
     * Every node, or the one named. A node is known from the kubelet's resource metrics
     * (`node_cpu_usage_seconds_total`, `node_memory_working_set_bytes` by `node`: what
     * metrics-server reads) or from node-exporter's series (`instance` = node name, as the
     * collector sets it); the kubelet's figures win where both exist.
     */
    async nodes(name?: string): Promise<NodeMetrics[]> {
      const t = clock();
      const nodeSel = name === undefined ? '' : `instance=${quote(name)},`;
      const kubeletSel = name === undefined ? 'node!=""' : `node=${quote(name)}`;
      const [cpu, mem, kubeletCpu, kubeletMem] = await Promise.all([
        vector(o.engine, `sum by (instance) (rate(node_cpu_seconds_total{job="node",${nodeSel}mode!~"idle|iowait|steal"}[${w}]))`, t),
        vector(o.engine, `node_memory_MemTotal_bytes{job="node",${nodeSel}} - node_memory_MemAvailable_bytes{job="node",${nodeSel}}`, t),
        vector(o.engine, `max by (node) (rate(node_cpu_usage_seconds_total{${kubeletSel}}[${w}]))`, t),
        vector(o.engine, `max by (node) (node_memory_working_set_bytes{${kubeletSel}})`, t),
      ]);
      const usage = new Map<string, { cpu: number; memory: number }>();
      const join = (cpus: typeof cpu, mems: typeof mem, label: string): void => {
        const memBy = new Map(mems.map((m) => [m.labels[label] ?? '', m.v]));
        for (const c of cpus) {
          const n = c.labels[label] ?? '';
          const m = memBy.get(n);
          if (n !== '' && m !== undefined) usage.set(n, { cpu: c.v, memory: m });
        }
      };
      join(cpu, mem, 'instance');
      join(kubeletCpu, kubeletMem, 'node');
      const now = new Date(t).toISOString();
      return [...usage]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([n, u]) => ({
          metadata: { name: n, creationTimestamp: now },
          timestamp: now,
          window,
          usage: { cpu: cpuQuantity(u.cpu), memory: memoryQuantity(u.memory) },
        }));
    },

    /** Pods of every namespace, one namespace, or one pod; containers from cAdvisor's series (the pause container left out). */
    async pods(namespace?: string, name?: string): Promise<PodMetrics[]> {
      const t = clock();
      const parts = ['container!=""', 'container!="POD"', 'namespace!="host"', 'namespace!=""'];
      if (namespace !== undefined) parts.push(`namespace=${quote(namespace)}`);
      if (name !== undefined) parts.push(`pod=${quote(name)}`);
      const sel = parts.join(',');
      const [cpu, mem] = await Promise.all([
        // max, not sum: the cgroup source and the kubelet's endpoints may both report a container
        // (job="cadvisor" and job="kubelet"), and the figures are the same container's.
        vector(o.engine, `max by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${sel}}[${w}]))`, t),
        vector(o.engine, `max by (namespace, pod, container) (container_memory_working_set_bytes{${sel}})`, t),
      ]);
      const key = (l: Labels): string => `${l.namespace}\xff${l.pod}\xff${l.container}`;
      const memBy = new Map(mem.map((m) => [key(m.labels), m.v]));
      const pods = new Map<string, { namespace: string; pod: string; containers: PodMetrics['containers'][number][] }>();
      for (const c of cpu) {
        const ns = c.labels.namespace ?? '';
        const pod = c.labels.pod ?? '';
        const id = `${ns}/${pod}`;
        let entry = pods.get(id);
        if (!entry) pods.set(id, (entry = { namespace: ns, pod, containers: [] }));
        entry.containers.push({ name: c.labels.container ?? '', usage: { cpu: cpuQuantity(c.v), memory: memoryQuantity(memBy.get(key(c.labels)) ?? 0) } });
      }
      const now = new Date(t).toISOString();
      return [...pods.values()]
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod))
        .map((p) => ({
          metadata: { name: p.pod, namespace: p.namespace, creationTimestamp: now },
          timestamp: now,
          window,
          containers: p.containers.sort((a, b) => a.name.localeCompare(b.name)),
        }));
    },
  };
}

export type ResourceMetrics = ReturnType<typeof createResourceMetrics>;
