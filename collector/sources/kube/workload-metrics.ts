/** Deployment, ReplicaSet, DaemonSet and StatefulSet series, as kube-state-metrics renders them. */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge, ownerLabelSets } from './collection-builder.js';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from './objects.js';

const g = gauge;
const DEPLOY = {
  specReplicas: g('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.'),
  replicas: g('kube_deployment_status_replicas', 'The number of replicas per deployment.'),
  available: g('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.'),
  updated: g('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.'),
  unavailable: g('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.'),
  observedGeneration: g(
    'kube_deployment_status_observed_generation',
    'The generation observed by the deployment controller.',
  ),
  generation: g(
    'kube_deployment_metadata_generation',
    'Sequence number representing a specific generation of the desired state.',
  ),
  condition: g('kube_deployment_status_condition', 'The current status conditions of a deployment.'),
};
const RS_OWNER = g('kube_replicaset_owner', "Information about the ReplicaSet's owner.");
const RS_SPEC = g('kube_replicaset_spec_replicas', 'Number of desired pods for a ReplicaSet.');
const DS = {
  desired: g(
    'kube_daemonset_status_desired_number_scheduled',
    'The number of nodes that should be running the daemon pod.',
  ),
  current: g(
    'kube_daemonset_status_current_number_scheduled',
    'The number of nodes running at least one daemon pod and are supposed to.',
  ),
  misscheduled: g(
    'kube_daemonset_status_number_misscheduled',
    'The number of nodes running a daemon pod but are not supposed to.',
  ),
  available: g(
    'kube_daemonset_status_number_available',
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available',
  ),
  ready: g(
    'kube_daemonset_status_number_ready',
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
  ),
  updated: g(
    'kube_daemonset_status_updated_number_scheduled',
    'The total number of nodes that are running updated daemon pod',
  ),
  observedGeneration: g(
    'kube_daemonset_status_observed_generation',
    'The most recent generation observed by the daemon set controller.',
  ),
  generation: g(
    'kube_daemonset_metadata_generation',
    'Sequence number representing a specific generation of the desired state.',
  ),
};
const STS = {
  replicas: g('kube_statefulset_replicas', 'Number of desired pods for a StatefulSet.'),
  statusReplicas: g('kube_statefulset_status_replicas', 'The number of replicas per StatefulSet.'),
  ready: g('kube_statefulset_status_replicas_ready', 'The number of ready replicas per StatefulSet.'),
  current: g('kube_statefulset_status_replicas_current', 'The number of current replicas per StatefulSet.'),
  updated: g('kube_statefulset_status_replicas_updated', 'The number of updated replicas per StatefulSet.'),
  observedGeneration: g(
    'kube_statefulset_status_observed_generation',
    'The generation observed by the StatefulSet controller.',
  ),
  generation: g(
    'kube_statefulset_metadata_generation',
    'Sequence number representing a specific generation of the desired state for the StatefulSet.',
  ),
  currentRevision: g(
    'kube_statefulset_status_current_revision',
    'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
  ),
  updateRevision: g(
    'kube_statefulset_status_update_revision',
    'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)',
  ),
};

export function emitDeployment(out: CollectionBuilder, d: Deployment): void {
  const base = { namespace: d.metadata.namespace ?? '', deployment: d.metadata.name };
  const s = d.status;
  // spec.replicas defaults to 1 on the server; an object without it was never defaulted, so say nothing.
  if (d.spec.replicas !== undefined) out.add(DEPLOY.specReplicas, base, d.spec.replicas);
  out.add(DEPLOY.replicas, base, s.replicas ?? 0);
  out.add(DEPLOY.available, base, s.availableReplicas ?? 0);
  out.add(DEPLOY.updated, base, s.updatedReplicas ?? 0);
  out.add(DEPLOY.unavailable, base, s.unavailableReplicas ?? 0);
  out.add(DEPLOY.observedGeneration, base, s.observedGeneration ?? 0);
  out.add(DEPLOY.generation, base, d.metadata.generation ?? 0);
  for (const c of s.conditions ?? []) {
    out.condition(DEPLOY.condition, { ...base, condition: c.type }, 'status', c.status);
  }
}

export function emitReplicaSet(out: CollectionBuilder, rs: ReplicaSet): void {
  const base = { namespace: rs.metadata.namespace ?? '', replicaset: rs.metadata.name };
  for (const owner of ownerLabelSets(rs.metadata.ownerReferences)) out.add(RS_OWNER, { ...base, ...owner }, 1);
  if (rs.spec.replicas !== undefined) out.add(RS_SPEC, base, rs.spec.replicas);
}

export function emitDaemonSet(out: CollectionBuilder, ds: DaemonSet): void {
  const base = { namespace: ds.metadata.namespace ?? '', daemonset: ds.metadata.name };
  const s = ds.status;
  out.add(DS.desired, base, s.desiredNumberScheduled ?? 0);
  out.add(DS.current, base, s.currentNumberScheduled ?? 0);
  out.add(DS.misscheduled, base, s.numberMisscheduled ?? 0);
  out.add(DS.available, base, s.numberAvailable ?? 0);
  out.add(DS.ready, base, s.numberReady ?? 0);
  out.add(DS.updated, base, s.updatedNumberScheduled ?? 0);
  out.add(DS.observedGeneration, base, s.observedGeneration ?? 0);
  out.add(DS.generation, base, ds.metadata.generation ?? 0);
}

export function emitStatefulSet(out: CollectionBuilder, sts: StatefulSet): void {
  const base = { namespace: sts.metadata.namespace ?? '', statefulset: sts.metadata.name };
  const s = sts.status;
  if (sts.spec.replicas !== undefined) out.add(STS.replicas, base, sts.spec.replicas);
  out.add(STS.statusReplicas, base, s.replicas ?? 0);
  out.add(STS.ready, base, s.readyReplicas ?? 0);
  out.add(STS.current, base, s.currentReplicas ?? 0);
  out.add(STS.updated, base, s.updatedReplicas ?? 0);
  if (s.observedGeneration !== undefined) out.add(STS.observedGeneration, base, s.observedGeneration);
  out.add(STS.generation, base, sts.metadata.generation ?? 0);
  if (s.currentRevision) out.add(STS.currentRevision, { ...base, revision: s.currentRevision }, 1);
  if (s.updateRevision) out.add(STS.updateRevision, { ...base, revision: s.updateRevision }, 1);
}
