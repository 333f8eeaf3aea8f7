/**
 * `/stats/summary` → series. CPU and memory use the names the kubelet's own
 * /metrics/resource uses (so metrics-server style queries work on either),
 * network uses cAdvisor's pod-level `container_network_*` names with the
 * `interface` label, and ephemeral storage, which neither exposes, is ours.
 * Each sample carries the time the kubelet says it was read at.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { mergeTargetLabels } from '../scrape/index.js';
import type { MetricMeta, MetricType, SourceSample } from '../source.js';
import type { ParsedKubeletMetrics } from './exposition-metrics.js';
import type {
  SummaryContainer,
  SummaryCpu,
  SummaryFs,
  SummaryMemory,
  SummaryNetwork,
  SummaryPod,
} from './summary-schema.js';
import { SummarySchema } from './summary-schema.js';

const FAMILIES = {
  node_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  node_memory_working_set_bytes: ['gauge', 'Current working set of the node in bytes'],
  pod_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  pod_memory_working_set_bytes: ['gauge', 'Current working set of the pod in bytes'],
  container_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  container_memory_working_set_bytes: ['gauge', 'Current working set of the container in bytes'],
  container_start_time_seconds: ['gauge', 'Start time of the container since unix epoch in seconds'],
  container_network_receive_bytes_total: ['counter', 'Cumulative count of bytes received'],
  container_network_transmit_bytes_total: ['counter', 'Cumulative count of bytes transmitted'],
  container_network_receive_errors_total: ['counter', 'Cumulative count of errors encountered while receiving'],
  container_network_transmit_errors_total: ['counter', 'Cumulative count of errors encountered while transmitting'],
  kubepulse_node_ephemeral_storage_used_bytes: [
    'gauge',
    "Bytes used on the node's primary (ephemeral storage) filesystem",
  ],
  kubepulse_node_ephemeral_storage_capacity_bytes: ['gauge', "Size of the node's primary filesystem in bytes"],
  kubepulse_node_ephemeral_storage_available_bytes: ['gauge', "Bytes available on the node's primary filesystem"],
  kubepulse_pod_ephemeral_storage_used_bytes: [
    'gauge',
    'Ephemeral storage used by the pod (containers, logs, emptyDir) in bytes',
  ],
  kubepulse_container_ephemeral_storage_used_bytes: ['gauge', "Bytes the container's writable layer and logs use"],
} as const satisfies Record<string, readonly [MetricType, string]>;
type Family = keyof typeof FAMILIES;

export const SUMMARY_METADATA: readonly MetricMeta[] = Object.entries(FAMILIES).map(([name, [type, help]]) => ({
  name,
  type,
  help,
}));

/** Parses and validates a `/stats/summary` body; the error names the JSON path that is wrong. */
export function parseSummary(body: Uint8Array | string, target: Labels): Result<ParsedKubeletMetrics, string> {
  let data: unknown;
  try {
    data = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch (e) {
    return err(`not JSON: ${(e as Error).message}`);
  }
  const parsed = SummarySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'not a stats summary');
  }
  const samples: SourceSample[] = [];
  const emit = (name: Family, own: Labels, value: number | undefined, time?: string): void => {
    if (value === undefined || !Number.isFinite(value)) return;
    const labels = mergeTargetLabels({ __name__: name, ...own }, target, false);
    const t = time === undefined ? NaN : Date.parse(time);
    samples.push(Number.isNaN(t) ? { labels, value } : { labels, value, t });
  };
  const { node, pods } = parsed.data;
  emitCpuMemory(emit, 'node', {}, node.cpu, node.memory);
  emitFs(emit, 'kubepulse_node_ephemeral_storage', {}, node.fs);
  for (const pod of pods ?? []) emitPod(emit, pod);
  return ok({ samples, metadata: SUMMARY_METADATA });
}

type Emit = (name: Family, own: Labels, value: number | undefined, time?: string) => void;

function emitPod(emit: Emit, pod: SummaryPod): void {
  const own = { namespace: pod.podRef.namespace, pod: pod.podRef.name };
  emitCpuMemory(emit, 'pod', own, pod.cpu, pod.memory);
  emitNetwork(emit, own, pod.network);
  emitFs(emit, 'kubepulse_pod_ephemeral_storage', own, pod['ephemeral-storage']);
  for (const c of pod.containers ?? []) emitContainer(emit, own, c);
}

function emitContainer(emit: Emit, podLabels: Labels, c: SummaryContainer): void {
  const own = { ...podLabels, container: c.name };
  emitCpuMemory(emit, 'container', own, c.cpu, c.memory);
  const started = c.startTime === undefined ? NaN : Date.parse(c.startTime);
  if (!Number.isNaN(started)) emit('container_start_time_seconds', own, started / 1000);
  // What the kubelet's eviction manager counts against a container's ephemeral-storage limit.
  const used = (c.rootfs?.usedBytes ?? 0) + (c.logs?.usedBytes ?? 0);
  if (c.rootfs?.usedBytes !== undefined || c.logs?.usedBytes !== undefined)
    emit('kubepulse_container_ephemeral_storage_used_bytes', own, used, c.rootfs?.time ?? c.logs?.time);
}

function emitCpuMemory(
  emit: Emit,
  level: 'node' | 'pod' | 'container',
  own: Labels,
  cpu: SummaryCpu | undefined,
  memory: SummaryMemory | undefined,
): void {
  // usageCoreNanoSeconds is cumulative CPU in nanoseconds of one core; the resource metrics count seconds.
  const cpuSeconds = cpu?.usageCoreNanoSeconds === undefined ? undefined : cpu.usageCoreNanoSeconds / 1e9;
  emit(`${level}_cpu_usage_seconds_total`, own, cpuSeconds, cpu?.time);
  emit(`${level}_memory_working_set_bytes`, own, memory?.workingSetBytes, memory?.time);
}

function emitNetwork(emit: Emit, own: Labels, net: SummaryNetwork | undefined): void {
  if (!net) return;
  // Older kubelets give only the default interface at the top level, without the list.
  const interfaces = net.interfaces ?? (net.name !== undefined ? [{ ...net, name: net.name }] : []);
  for (const i of interfaces) {
    const labels = { ...own, interface: i.name };
    emit('container_network_receive_bytes_total', labels, i.rxBytes, net.time);
    emit('container_network_transmit_bytes_total', labels, i.txBytes, net.time);
    emit('container_network_receive_errors_total', labels, i.rxErrors, net.time);
    emit('container_network_transmit_errors_total', labels, i.txErrors, net.time);
  }
}

function emitFs(
  emit: Emit,
  prefix: 'kubepulse_node_ephemeral_storage' | 'kubepulse_pod_ephemeral_storage',
  own: Labels,
  fs: SummaryFs | undefined,
): void {
  if (!fs) return;
  emit(`${prefix}_used_bytes`, own, fs.usedBytes, fs.time);
  // A pod's ephemeral storage reports the node filesystem's capacity; only the node's own is worth a series.
  if (prefix === 'kubepulse_node_ephemeral_storage') {
    emit(`${prefix}_capacity_bytes`, own, fs.capacityBytes, fs.time);
    emit(`${prefix}_available_bytes`, own, fs.availableBytes, fs.time);
  }
}
