/** kube_node_* series of one node, as kube-state-metrics' node store renders them. */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import type { Node } from './objects.js';
import { resources } from './pod-metrics.js';

const INFO = gauge('kube_node_info', 'Information about a cluster node.');
const CONDITION = gauge('kube_node_status_condition', 'The condition of a cluster node.');
const ALLOCATABLE = gauge(
  'kube_node_status_allocatable',
  'The allocatable for different resources of a node that are available for scheduling.',
);
const CAPACITY = gauge('kube_node_status_capacity', 'The capacity for different resources of a node.');
const UNSCHEDULABLE = gauge('kube_node_spec_unschedulable', 'Whether a node can schedule new pods.');

export function emitNode(out: CollectionBuilder, node: Node): void {
  const { metadata: m, spec, status } = node;
  const base = { node: m.name };
  const info = status.nodeInfo ?? {};
  const str = (k: string): string => (typeof info[k] === 'string' ? info[k] : '');
  out.add(
    INFO,
    {
      ...base,
      kernel_version: str('kernelVersion'),
      os_image: str('osImage'),
      container_runtime_version: str('containerRuntimeVersion'),
      kubelet_version: str('kubeletVersion'),
      // kube-proxy no longer reports its version to the node (KEP-4004); kube-state-metrics 2.13+ writes this literal.
      kubeproxy_version: 'deprecated',
      provider_id: spec.providerID ?? '',
      pod_cidr: spec.podCIDR ?? '',
      system_uuid: str('systemUUID'),
      internal_ip: status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    },
    1,
  );
  for (const c of status.conditions ?? []) out.condition(CONDITION, { ...base, condition: c.type }, 'status', c.status);
  resources(out, ALLOCATABLE, base, status.allocatable, m.name);
  resources(out, CAPACITY, base, status.capacity, m.name);
  out.add(UNSCHEDULABLE, base, spec.unschedulable === true ? 1 : 0);
}
