/**
 * Per namespace, pod, container and service. Services come from
 * kubepulse_service_pod_info (EndpointSlices), which is the "many" side of
 * the join so that a pod behind two services counts towards both instead of
 * failing the match.
 */
import { buildDashboard } from './dashboard.js';
import type { GrafanaDashboard } from './model.js';
import { table, timeseries } from './panels.js';
import { baseVariables, namespaceVariable, queryVariable } from './variables.js';

const NS = 'cluster=~"$cluster", namespace=~"$namespace"';
const W = `${NS}, pod=~"$pod"`;
/** Containers of the chosen pods; the pod-level cgroup (container="") would count them twice. */
const CT = `${W}, container!=""`;
const cpuRate = (sel: string) => `rate(container_cpu_usage_seconds_total{${sel}}[$__rate_interval])`;
/** Containers of a pod share its network namespace: max per interface, then sum the interfaces. */
const podNet = (dir: 'receive' | 'transmit', sel: string) =>
  `sum by (namespace, pod) (max by (namespace, pod, interface) (rate(container_network_${dir}_bytes_total{${sel}}[$__rate_interval])))`;
const perService = (perPod: string) =>
  `sum by (namespace, service) (kubepulse_service_pod_info{${NS}} * on (namespace, pod) group_left () ${perPod})`;

const namespaces = [
  timeseries({
    title: 'CPU by namespace',
    description: 'CPU cores used by the namespace\u2019s containers.',
    unit: 'short',
    queries: [{ expr: `sum by (namespace) (${cpuRate(`${NS}, container!=""`)})`, legend: '{{namespace}}' }],
  }),
  timeseries({
    title: 'Memory by namespace',
    description: 'Working set of the namespace\u2019s containers.',
    unit: 'bytes',
    queries: [
      {
        expr: `sum by (namespace) (container_memory_working_set_bytes{${NS}, container!=""})`,
        legend: '{{namespace}}',
      },
    ],
  }),
];

const pods = [
  timeseries({
    title: 'CPU by pod',
    description: 'CPU cores used by the pod\u2019s containers.',
    unit: 'short',
    queries: [{ expr: `sum by (namespace, pod) (${cpuRate(CT)})`, legend: '{{namespace}}/{{pod}}' }],
  }),
  timeseries({
    title: 'Memory by pod',
    description: 'Working set of the pod\u2019s containers.',
    unit: 'bytes',
    queries: [
      { expr: `sum by (namespace, pod) (container_memory_working_set_bytes{${CT}})`, legend: '{{namespace}}/{{pod}}' },
    ],
  }),
  timeseries({
    title: 'Network by pod',
    description: 'Bytes per second received (positive) and sent (negative) on the pod\u2019s interfaces.',
    unit: 'Bps',
    queries: [
      { expr: podNet('receive', W), legend: '{{namespace}}/{{pod}} received' },
      { expr: `-${podNet('transmit', W)}`, legend: '{{namespace}}/{{pod}} sent' },
    ],
  }),
  timeseries({
    title: 'Restarts by pod',
    description: 'Container restarts per interval, from the pod status.',
    unit: 'short',
    queries: [
      {
        expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${W}}[$__rate_interval]))`,
        legend: '{{namespace}}/{{pod}}',
      },
    ],
  }),
];

const BY_CONTAINER = 'by (namespace, pod, container)';
const containers = [
  timeseries({
    title: 'CPU by container',
    description: 'CPU cores used per container.',
    unit: 'short',
    queries: [{ expr: `sum ${BY_CONTAINER} (${cpuRate(CT)})`, legend: '{{pod}}/{{container}}' }],
  }),
  timeseries({
    title: 'Memory by container',
    description: 'Working set per container.',
    unit: 'bytes',
    queries: [
      { expr: `sum ${BY_CONTAINER} (container_memory_working_set_bytes{${CT}})`, legend: '{{pod}}/{{container}}' },
    ],
  }),
  table({
    title: 'Containers',
    description:
      'Now: CPU cores used and requested, working set and memory limit, restarts since the container was created.',
    unit: 'short',
    w: 24,
    queries: [
      { expr: `sum ${BY_CONTAINER} (${cpuRate(CT)})`, legend: 'CPU used' },
      {
        expr: `sum ${BY_CONTAINER} (kube_pod_container_resource_requests{${W}, resource="cpu"})`,
        legend: 'CPU requested',
      },
      { expr: `sum ${BY_CONTAINER} (container_memory_working_set_bytes{${CT}})`, legend: 'Working set', unit: 'bytes' },
      {
        expr: `sum ${BY_CONTAINER} (kube_pod_container_resource_limits{${W}, resource="memory"})`,
        legend: 'Memory limit',
        unit: 'bytes',
      },
      { expr: `sum ${BY_CONTAINER} (kube_pod_container_status_restarts_total{${W}})`, legend: 'Restarts' },
    ],
  }),
];

const services = [
  timeseries({
    title: 'CPU by service',
    description: 'CPU cores used by the pods behind each service.',
    unit: 'short',
    queries: [
      {
        expr: perService(`sum by (namespace, pod) (${cpuRate(`${NS}, container!=""`)})`),
        legend: '{{namespace}}/{{service}}',
      },
    ],
  }),
  timeseries({
    title: 'Memory by service',
    description: 'Working set of the pods behind each service.',
    unit: 'bytes',
    queries: [
      {
        expr: perService(`sum by (namespace, pod) (container_memory_working_set_bytes{${NS}, container!=""})`),
        legend: '{{namespace}}/{{service}}',
      },
    ],
  }),
  table({
    title: 'Services (5m averages)',
    description: 'From the shipped recording rules (rules/recording.yaml), so it stays cheap with many services.',
    unit: 'short',
    w: 24,
    queries: [
      {
        expr: `namespace_service:container_cpu_usage_seconds_total:sum_rate5m{namespace=~"$namespace"}`,
        legend: 'CPU',
      },
      {
        expr: `namespace_service:container_memory_working_set_bytes:sum{namespace=~"$namespace"}`,
        legend: 'Working set',
        unit: 'bytes',
      },
      {
        expr: `namespace_service:container_network_receive_bytes_total:sum_rate5m{namespace=~"$namespace"}`,
        legend: 'Received',
        unit: 'Bps',
      },
      {
        expr: `namespace_service:container_network_transmit_bytes_total:sum_rate5m{namespace=~"$namespace"}`,
        legend: 'Sent',
        unit: 'Bps',
      },
    ],
  }),
];

export function workloadsDashboard(): GrafanaDashboard {
  return buildDashboard({
    uid: 'kubepulse-workloads',
    title: 'kubepulse / Workloads',
    description: 'CPU, memory, network and restarts per namespace, pod, container and service.',
    variables: [
      ...baseVariables(),
      namespaceVariable(),
      queryVariable({
        name: 'pod',
        label: 'Pod',
        query: 'label_values(container_cpu_usage_seconds_total{cluster=~"$cluster", namespace=~"$namespace"}, pod)',
      }),
    ],
    rows: [
      { title: 'Namespaces', panels: namespaces },
      { title: 'Pods', panels: pods },
      { title: 'Containers', panels: containers },
      { title: 'Services', panels: services },
    ],
  });
}
