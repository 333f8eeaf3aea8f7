/** kube_pod_* series of one pod, as kube-state-metrics' pod store renders them. */
import type { CollectionBuilder } from './collection-builder.js';
import { counter, gauge, ownerLabelSets } from './collection-builder.js';
import type { Pod } from './objects.js';
import { resourceUnit, resourceValue, sanitizeResourceName } from './quantity.js';

const INFO = gauge('kube_pod_info', 'Information about pod.');
const OWNER = gauge('kube_pod_owner', "Information about the Pod's owner.");
const PHASE = gauge('kube_pod_status_phase', 'The pods current phase.');
const READY = gauge('kube_pod_status_ready', 'Describes whether the pod is ready to serve requests.');
const RESTARTS = counter('kube_pod_container_status_restarts_total', 'The number of container restarts per container.');
const WAITING_REASON = gauge(
  'kube_pod_container_status_waiting_reason',
  'Describes the reason the container is currently in waiting state.',
);
const LAST_TERMINATED_REASON = gauge(
  'kube_pod_container_status_last_terminated_reason',
  'Describes the last reason the container was in terminated state.',
);
const REQUESTS = gauge(
  'kube_pod_container_resource_requests',
  'The number of requested request resource by a container.',
);
const LIMITS = gauge('kube_pod_container_resource_limits', 'The number of requested limit resource by a container.');
const CONTAINER_INFO = gauge('kube_pod_container_info', 'Information about a container in a pod.');

const PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'] as const;

export function emitPod(out: CollectionBuilder, pod: Pod): void {
  const { metadata: m, spec, status } = pod;
  const base = { namespace: m.namespace ?? '', pod: m.name, uid: m.uid ?? '' };
  const controller = m.ownerReferences?.find((o) => o.controller === true);
  out.add(
    INFO,
    {
      ...base,
      host_ip: status.hostIP ?? '',
      pod_ip: status.podIP ?? '',
      node: spec.nodeName ?? '',
      created_by_kind: controller?.kind ?? '',
      created_by_name: controller?.name ?? '',
      priority_class: spec.priorityClassName ?? '',
      host_network: String(spec.hostNetwork ?? false),
    },
    1,
  );
  for (const owner of ownerLabelSets(m.ownerReferences)) out.add(OWNER, { ...base, ...owner }, 1);
  if (status.phase) for (const p of PHASES) out.add(PHASE, { ...base, phase: p }, status.phase === p ? 1 : 0);
  for (const c of status.conditions ?? []) if (c.type === 'Ready') out.condition(READY, base, 'condition', c.status);

  const specImage = new Map(spec.containers.map((c) => [c.name, c.image ?? '']));
  for (const cs of status.containerStatuses ?? []) {
    const labels = { ...base, container: cs.name };
    out.add(
      CONTAINER_INFO,
      {
        ...labels,
        image_spec: specImage.get(cs.name) ?? '',
        image: cs.image ?? '',
        image_id: cs.imageID ?? '',
        container_id: cs.containerID ?? '',
      },
      1,
    );
    out.add(RESTARTS, labels, cs.restartCount);
    if (cs.state?.waiting) out.add(WAITING_REASON, { ...labels, reason: cs.state.waiting.reason ?? '' }, 1);
    const last = cs.lastState?.terminated;
    if (last) out.add(LAST_TERMINATED_REASON, { ...labels, reason: last.reason ?? '' }, 1);
  }

  const node = spec.nodeName ?? '';
  for (const c of spec.containers) {
    const labels = { ...base, container: c.name, node };
    resources(out, REQUESTS, labels, c.resources?.requests, `${base.namespace}/${base.pod}`);
    resources(out, LIMITS, labels, c.resources?.limits, `${base.namespace}/${base.pod}`);
  }
}

/** One series per resource in a requests/limits/capacity list; an unparsable quantity is a problem, not a zero. */
export function resources(
  out: CollectionBuilder,
  meta: Parameters<CollectionBuilder['add']>[0],
  labels: Readonly<Record<string, string>>,
  list: Readonly<Record<string, string>> | undefined,
  place: string,
): void {
  for (const [resource, quantity] of Object.entries(list ?? {})) {
    const v = resourceValue(resource, quantity);
    if (v === undefined) {
      out.problem(place, `${meta.name}: resource ${resource}: "${quantity}" is not a Kubernetes quantity`);
      continue;
    }
    out.add(meta, { ...labels, resource: sanitizeResourceName(resource), unit: resourceUnit(resource) }, v);
  }
}
