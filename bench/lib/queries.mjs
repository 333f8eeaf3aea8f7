// Kubernetes queries as dashboards and the kubernetes-mixin run them, over the
// container_* workload of workload.mjs. Range queries cover the whole workload.
export const QUERIES = [
  { kind: 'instant', expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total[2m]))' },
  { kind: 'instant', expr: 'topk(10, sum by (namespace, pod) (rate(container_cpu_usage_seconds_total[2m])))' },
  { kind: 'instant', expr: 'sum by (node) (container_memory_working_set_bytes)' },
  { kind: 'instant', expr: 'container_memory_working_set_bytes{namespace="ns-7",container="app"}' },
  { kind: 'instant', expr: 'sum by (namespace) (rate(container_network_receive_bytes_total{namespace=~"ns-1.*"}[2m]))' },
  { kind: 'instant', expr: 'sum by (namespace, pod) (rate(container_cpu_cfs_throttled_periods_total[2m])) > 1' },
  { kind: 'instant', expr: 'count by (node) (container_memory_working_set_bytes)' },
  { kind: 'range', expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total[1m]))' },
  { kind: 'range', expr: 'sum by (node) (container_memory_working_set_bytes)' },
  { kind: 'range', expr: 'max by (namespace) (container_memory_working_set_bytes{container="app"})' },
];
