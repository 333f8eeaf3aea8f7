/**
 * kube_service_info, and kubepulse_service_pod_info: which pods back which
 * service, read from EndpointSlices. Service-level aggregation joins pod
 * series onto services through the latter.
 */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import type { EndpointSlice, Service } from './objects.js';

const SERVICE_INFO = gauge('kube_service_info', 'Information about service.');
const SERVICE_POD = gauge(
  'kubepulse_service_pod_info',
  'A pod that is an endpoint of a service (from EndpointSlices).',
);

/** The label the EndpointSlice controller sets to the owning service's name. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function emitService(out: CollectionBuilder, svc: Service): void {
  const m = svc.metadata;
  out.add(
    SERVICE_INFO,
    {
      namespace: m.namespace ?? '',
      service: m.name,
      uid: m.uid ?? '',
      cluster_ip: svc.spec.clusterIP ?? '',
      external_name: svc.spec.externalName ?? '',
      load_balancer_ip: svc.spec.loadBalancerIP ?? '',
      external_traffic_policy: svc.spec.externalTrafficPolicy ?? '',
    },
    1,
  );
}

/** One series per (namespace, service, pod), however many slices or ports name the pair. */
export function emitServicePods(out: CollectionBuilder, slices: Iterable<EndpointSlice>): void {
  const seen = new Set<string>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const namespace = slice.metadata.namespace ?? '';
    for (const ep of slice.endpoints) {
      const ref = ep.targetRef;
      if (!ref || (ref.kind !== undefined && ref.kind !== 'Pod')) continue;
      const key = `${namespace}\u0000${service}\u0000${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.add(SERVICE_POD, { namespace, service, pod: ref.name }, 1);
    }
  }
}
