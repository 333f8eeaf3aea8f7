/**
 * Pod target discovery on one node: which pods carry Prometheus' scrape
 * annotations (`prometheus.io/scrape`, `port`, `path`, `scheme`), as what
 * targets and labels (the conventional `kubernetes-pods` job), and a manager
 * that keeps one scrape loop per target running into an Appendable, with
 * staleness markers when a target goes away.
 */
export { parseDiscoveryPods } from './discovery-pod.js';
export type { DiscoveredContainer, DiscoveredPod, DiscoveredPods, DiscoveredPort } from './discovery-pod.js';
export { ANNOTATION, KUBERNETES_PODS_JOB, mappedPodLabels, podTargets, sanitizeLabelName } from './pod-targets.js';
export type { DroppedPodTarget, PodTargetOptions, PodTargets, PodTargetSpec } from './pod-targets.js';
export { classifyScrapeError, createScrapeManager } from './scrape-manager.js';
export type {
  ActiveScrapeTarget,
  ScrapeFailureReason,
  ScrapeLimits,
  ScrapeManager,
  ScrapeManagerOptions,
} from './scrape-manager.js';
