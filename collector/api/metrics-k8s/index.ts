export { createResourceMetrics } from './resource-metrics.js';
export type { NodeMetrics, PodMetrics, ResourceMetrics, ResourceMetricsOptions } from './resource-metrics.js';
export { createMetricsApiRouter } from './router.js';
export { cpuQuantity, memoryQuantity } from './quantity.js';
