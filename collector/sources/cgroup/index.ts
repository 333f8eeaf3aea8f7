export { createCgroupSource, HOST_NAMESPACE } from './cgroup-source.js';
export type { CgroupOptions, CgroupScope } from './cgroup-options.js';
export type { PodLookup, PodNames } from './pod-lookup.js';
export { parsePodList, podLookupOf } from './pod-lookup.js';
export type { CgroupLayout, CgroupMode } from './layout.js';
export type { SharedDiscovery } from './discovery.js';
export { shareDiscovery } from './discovery.js';
export { detectCgroupLayout } from './layout.js';
