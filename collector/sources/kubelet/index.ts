/**
 * The kubelet source: /metrics/resource, /metrics/cadvisor and /stats/summary
 * of one node, reached directly (:10250, ServiceAccount token) or through the
 * API server's node proxy; and /pods as a cgroup `PodLookup`.
 */
export { createKubeletSource, KUBELET_ENDPOINTS, SOURCE_NAME as KUBELET_SOURCE_NAME } from './kubelet-source.js';
export type { KubeletConnection, KubeletEndpoint, KubeletSourceOptions } from './kubelet-source.js';
export {
  createDirectKubeletClient,
  createProxyKubeletClient,
  DEFAULT_KUBELET_BODY_LIMIT_BYTES,
  DEFAULT_KUBELET_TIMEOUT_MS,
} from './kubelet-client.js';
export type {
  DirectKubeletOptions,
  KubeletClient,
  KubeletPath,
  KubeletRequestLimits,
  ProxyKubeletOptions,
} from './kubelet-client.js';
export type { KubeletError, KubeletErrorKind, KubeletResponse } from './kubelet-response.js';
export { createClusterKubeletSource, listNodesFromApi } from './cluster-kubelet-source.js';
export type { ClusterKubeletSourceOptions, ListNodes } from './cluster-kubelet-source.js';
export { fetchPodLookup } from './pod-lookup.js';
export { inClusterKubeletConnection } from './in-cluster.js';
export type { InClusterKubeletOptions } from './in-cluster.js';
export { parseKubeletMetrics, canonicalLabels } from './exposition-metrics.js';
export type { ParsedKubeletMetrics } from './exposition-metrics.js';
export { parseSummary, SUMMARY_METADATA } from './summary-metrics.js';
export type { Summary } from './summary-schema.js';
