/** Job and HorizontalPodAutoscaler series, as kube-state-metrics renders them. */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge, ownerLabelSets } from './collection-builder.js';
import type { HorizontalPodAutoscaler, Job } from './objects.js';

const JOB = {
  succeeded: gauge('kube_job_status_succeeded', 'The number of pods which reached Phase Succeeded.'),
  failed: gauge('kube_job_status_failed', 'The number of pods which reached Phase Failed and the reason for failure.'),
  active: gauge('kube_job_status_active', 'The number of actively running pods.'),
  failedCondition: gauge('kube_job_failed', 'The job has failed its execution.'),
  owner: gauge('kube_job_owner', "Information about the Job's owner."),
};
/** Failure reasons kube-state-metrics gives their own series; any other reason counts under reason="". */
const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'] as const;

const HPA = {
  max: gauge(
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
  ),
  min: gauge(
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
  ),
  current: gauge(
    'kube_horizontalpodautoscaler_status_current_replicas',
    'Current number of replicas of pods managed by this autoscaler.',
  ),
  desired: gauge(
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'Desired number of replicas of pods managed by this autoscaler.',
  ),
};

export function emitJob(out: CollectionBuilder, job: Job): void {
  const base = { namespace: job.metadata.namespace ?? '', job_name: job.metadata.name };
  const s = job.status;
  out.add(JOB.succeeded, base, s.succeeded ?? 0);
  out.add(JOB.active, base, s.active ?? 0);
  const failed = s.failed ?? 0;
  const failedConditions = (s.conditions ?? []).filter((c) => c.type === 'Failed');
  if (failed === 0) out.add(JOB.failed, base, 0);
  else {
    let known = false;
    for (const c of failedConditions) {
      for (const reason of JOB_FAILURE_REASONS) {
        known ||= c.reason === reason;
        out.add(JOB.failed, { ...base, reason }, c.reason === reason ? 1 : 0);
      }
    }
    if (!known) out.add(JOB.failed, { ...base, reason: '' }, failed);
  }
  for (const c of failedConditions) out.condition(JOB.failedCondition, base, 'condition', c.status);
  for (const owner of ownerLabelSets(job.metadata.ownerReferences)) out.add(JOB.owner, { ...base, ...owner }, 1);
}

export function emitHorizontalPodAutoscaler(out: CollectionBuilder, hpa: HorizontalPodAutoscaler): void {
  const base = { namespace: hpa.metadata.namespace ?? '', horizontalpodautoscaler: hpa.metadata.name };
  out.add(HPA.max, base, hpa.spec.maxReplicas);
  if (hpa.spec.minReplicas !== undefined) out.add(HPA.min, base, hpa.spec.minReplicas);
  out.add(HPA.current, base, hpa.status.currentReplicas ?? 0);
  out.add(HPA.desired, base, hpa.status.desiredReplicas ?? 0);
}
