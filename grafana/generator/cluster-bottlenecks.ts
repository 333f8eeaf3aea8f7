/**
 * "Where is the cluster short?": usage against requests and limits, CPU
 * throttling and pressure, memory near its limit, OOM kills, restarts and
 * node saturation. Containers only (`container!=""`): the pod-level cgroup
 * already holds its containers' usage and would count it twice.
 */
import { buildDashboard } from './dashboard.js';
import type { GrafanaDashboard } from './model.js';
import { barGauge, stat, table, timeseries } from './panels.js';
import { baseVariables, namespaceVariable, nodeVariable } from './variables.js';

const CL = 'cluster=~"$cluster"';
/** Container series of the chosen namespaces. */
const CT = `${CL}, namespace=~"$namespace", container!=""`;
/** node-exporter series of the chosen nodes (the node pipeline sets instance to the node name). */
const ND = `${CL}, instance=~"$node"`;
const ALLOC = (resource: string) => `sum(kube_node_status_allocatable{${CL}, resource="${resource}"})`;
const PER_NS = (metric: string, resource: string) =>
  `sum by (namespace) (${metric}{${CL}, namespace=~"$namespace", resource="${resource}"})`;
const NS_CPU = `sum by (namespace) (rate(container_cpu_usage_seconds_total{${CT}}[$__rate_interval]))`;
const NS_MEM = `sum by (namespace) (container_memory_working_set_bytes{${CT}})`;

const headroom = [
  stat({
    title: 'CPU used / allocatable',
    description: 'Container CPU of the whole cluster against the nodes\u2019 allocatable CPU.',
    unit: 'percentunit',
    w: 6,
    h: 4,
    warnAt: [0.7, 0.9],
    queries: [
      {
        expr: `sum(rate(container_cpu_usage_seconds_total{${CL}, container!=""}[$__rate_interval])) / ${ALLOC('cpu')}`,
      },
    ],
  }),
  stat({
    title: 'CPU requested / allocatable',
    description:
      'Requests of Pending and Running pods (recording rule) against allocatable CPU: above 100% pods stay Pending.',
    unit: 'percentunit',
    w: 6,
    h: 4,
    warnAt: [0.8, 0.95],
    queries: [{ expr: `sum(namespace_cpu:kube_pod_container_resource_requests:sum{${CL}}) / ${ALLOC('cpu')}` }],
  }),
  stat({
    title: 'Memory used / allocatable',
    description: 'Container working set of the whole cluster against allocatable memory.',
    unit: 'percentunit',
    w: 6,
    h: 4,
    warnAt: [0.7, 0.9],
    queries: [{ expr: `sum(container_memory_working_set_bytes{${CL}, container!=""}) / ${ALLOC('memory')}` }],
  }),
  stat({
    title: 'Memory requested / allocatable',
    description: 'Requests of Pending and Running pods (recording rule) against allocatable memory.',
    unit: 'percentunit',
    w: 6,
    h: 4,
    warnAt: [0.8, 0.95],
    queries: [{ expr: `sum(namespace_memory:kube_pod_container_resource_requests:sum{${CL}}) / ${ALLOC('memory')}` }],
  }),
];

const namespaces = [
  timeseries({
    title: 'CPU usage / requests per namespace',
    description: 'Above 100%: the namespace uses CPU it did not ask for and loses it first under contention.',
    unit: 'percentunit',
    queries: [
      { expr: `${NS_CPU} / ${PER_NS('kube_pod_container_resource_requests', 'cpu')}`, legend: '{{namespace}}' },
    ],
  }),
  timeseries({
    title: 'CPU usage / limits per namespace',
    description:
      'Near 100%: containers are held at their CFS quota (see throttling below). Containers without a limit count in usage only.',
    unit: 'percentunit',
    queries: [{ expr: `${NS_CPU} / ${PER_NS('kube_pod_container_resource_limits', 'cpu')}`, legend: '{{namespace}}' }],
  }),
  timeseries({
    title: 'Memory working set / requests per namespace',
    description: 'Above 100%: first in line for eviction when the node runs short of memory.',
    unit: 'percentunit',
    queries: [
      { expr: `${NS_MEM} / ${PER_NS('kube_pod_container_resource_requests', 'memory')}`, legend: '{{namespace}}' },
    ],
  }),
  timeseries({
    title: 'Memory working set / limits per namespace',
    description: 'Near 100%: containers are about to be OOM-killed.',
    unit: 'percentunit',
    queries: [
      { expr: `${NS_MEM} / ${PER_NS('kube_pod_container_resource_limits', 'memory')}`, legend: '{{namespace}}' },
    ],
  }),
];

const THROTTLED = (window: string) =>
  `sum by (namespace, pod) (increase(container_cpu_cfs_throttled_periods_total{${CT}}[${window}]))` +
  ` / sum by (namespace, pod) (increase(container_cpu_cfs_periods_total{${CT}}[${window}]))`;

const cpu = [
  barGauge({
    title: 'Top pods by CPU throttling',
    description:
      'Share of CFS periods in which the pod was throttled over the time range. Raise the CPU limit or drop it.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    warnAt: [0.25, 0.5],
    queries: [{ expr: `topk(10, ${THROTTLED('$__range')})`, legend: '{{namespace}}/{{pod}}' }],
  }),
  barGauge({
    title: 'Top containers by CPU pressure',
    description: 'Share of time some task of the container waited for a CPU (cgroup v2 PSI) over the time range.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    warnAt: [0.1, 0.25],
    queries: [
      {
        expr: `topk(10, rate(container_pressure_cpu_waiting_seconds_total{${CT}}[$__range]))`,
        legend: '{{namespace}}/{{pod}}/{{container}}',
      },
    ],
  }),
  timeseries({
    title: 'CPU throttling (top 10 pods)',
    description: 'Throttled CFS periods / all CFS periods per pod.',
    unit: 'percentunit',
    queries: [{ expr: `topk(10, ${THROTTLED('$__rate_interval')})`, legend: '{{namespace}}/{{pod}}' }],
  }),
  timeseries({
    title: 'CPU pressure (top 10 containers)',
    description: 'Seconds per second some task of the container waited for a CPU.',
    unit: 'percentunit',
    queries: [
      {
        expr: `topk(10, rate(container_pressure_cpu_waiting_seconds_total{${CT}}[$__rate_interval]))`,
        legend: '{{namespace}}/{{pod}}/{{container}}',
      },
    ],
  }),
];

const memory = [
  table({
    title: 'Memory working set near limit',
    description: 'Containers closest to their memory limit (containers without a limit are left out).',
    unit: 'percentunit',
    w: 24,
    warnAt: [0.8, 0.9],
    queries: [
      {
        expr:
          `topk(20, max by (namespace, pod, container) (container_memory_working_set_bytes{${CT}})` +
          ` / max by (namespace, pod, container) (container_spec_memory_limit_bytes{${CT}} > 0))`,
        legend: 'Working set / limit',
      },
    ],
  }),
  timeseries({
    title: 'OOM kills',
    description: 'OOM kills per container in each interval (the cgroup\u2019s own oom_kill counter).',
    unit: 'short',
    queries: [
      {
        expr: `sum by (namespace, pod, container) (increase(container_oom_events_total{${CT}}[$__rate_interval])) > 0`,
        legend: '{{namespace}}/{{pod}}/{{container}}',
      },
    ],
  }),
  timeseries({
    title: 'Container restarts',
    description: 'Restarts per container in each interval, from the pod status.',
    unit: 'short',
    queries: [
      {
        expr:
          `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${CL}, namespace=~"$namespace"}[$__rate_interval]))` +
          ' > 0',
        legend: '{{namespace}}/{{pod}}/{{container}}',
      },
    ],
  }),
];

const pressure = (resource: 'cpu' | 'memory' | 'io') =>
  timeseries({
    title: `Node ${resource === 'io' ? 'IO' : resource === 'cpu' ? 'CPU' : 'memory'} pressure`,
    description:
      '"some": share of time at least one task waited; "full": share of time all non-idle tasks stalled at once.',
    unit: 'percentunit',
    w: 8,
    queries: [
      {
        expr: `rate(node_pressure_${resource}_waiting_seconds_total{${ND}}[$__rate_interval])`,
        legend: '{{instance}} some',
      },
      ...(resource === 'cpu'
        ? []
        : [
            {
              expr: `rate(node_pressure_${resource}_stalled_seconds_total{${ND}}[$__rate_interval])`,
              legend: '{{instance}} full',
            },
          ]),
    ],
  });

const nodes = [
  pressure('cpu'),
  pressure('memory'),
  pressure('io'),
  barGauge({
    title: 'Nodes by CPU saturation',
    description: '1-minute load average per CPU: above 100% runnable tasks queue for a CPU.',
    unit: 'percentunit',
    w: 8,
    min: 0,
    warnAt: [0.8, 1],
    queries: [
      {
        expr: `sort_desc(sum by (instance) (node_load1{${ND}}) / count by (instance) (node_cpu_seconds_total{${ND}, mode="idle"}))`,
        legend: '{{instance}}',
      },
    ],
  }),
  barGauge({
    title: 'Nodes by memory utilisation',
    description: '1 - MemAvailable / MemTotal.',
    unit: 'percentunit',
    w: 8,
    min: 0,
    max: 1,
    warnAt: [0.8, 0.9],
    queries: [
      {
        expr: `sort_desc(1 - sum by (instance) (node_memory_MemAvailable_bytes{${ND}}) / sum by (instance) (node_memory_MemTotal_bytes{${ND}}))`,
        legend: '{{instance}}',
      },
    ],
  }),
  barGauge({
    title: 'Nodes by disk IO saturation',
    description: 'Share of the time range the busiest disk of the node had IO in flight.',
    unit: 'percentunit',
    w: 8,
    min: 0,
    max: 1,
    warnAt: [0.6, 0.9],
    queries: [
      {
        expr: `sort_desc(max by (instance) (rate(node_disk_io_time_seconds_total{${ND}}[$__range])))`,
        legend: '{{instance}}',
      },
    ],
  }),
  table({
    title: 'Nodes reporting pressure conditions',
    description: 'Node conditions the kubelet sets before it starts evicting pods.',
    unit: 'short',
    w: 24,
    h: 6,
    queries: [
      {
        expr: `kube_node_status_condition{${CL}, node=~"$node", condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"} == 1`,
        legend: 'Reported',
      },
    ],
  }),
];

export function clusterBottlenecksDashboard(): GrafanaDashboard {
  return buildDashboard({
    uid: 'kubepulse-cluster-bottlenecks',
    title: 'kubepulse / Cluster bottlenecks',
    description: 'Where the cluster is short of CPU, memory or IO, and which workloads feel it.',
    variables: [
      ...baseVariables(),
      namespaceVariable(),
      nodeVariable('node'),
    ],
    rows: [
      { title: 'Cluster headroom', panels: headroom },
      { title: 'Namespaces: usage against requests and limits', panels: namespaces },
      { title: 'CPU throttling and pressure', panels: cpu },
      { title: 'Memory, OOM kills and restarts', panels: memory },
      { title: 'Node saturation', panels: nodes },
    ],
  });
}
