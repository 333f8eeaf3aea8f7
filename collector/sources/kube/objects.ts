/**
 * The parts of Kubernetes objects this source reads, as schemas. Watch
 * events and list bodies are narrowed here; fields we do not use are dropped,
 * so the caches hold only what collect() renders.
 */
import { s, type Infer } from '../../schema/index.js';

const OwnerReference = s.object({
  kind: s.string(),
  name: s.string(),
  controller: s.boolean().optional(),
});

export const ObjectMeta = s.object({
  name: s.string(),
  namespace: s.string().optional(),
  uid: s.string().optional(),
  resourceVersion: s.string().optional(),
  generation: s.number().optional(),
  labels: s.record(s.string(), s.string()).optional(),
  ownerReferences: s.array(OwnerReference).optional(),
});
export type ObjectMeta = Infer<typeof ObjectMeta>;
export type OwnerReference = Infer<typeof OwnerReference>;

const Condition = s.object({ type: s.string(), status: s.string(), reason: s.string().optional() });
export type Condition = Infer<typeof Condition>;
const ResourceList = s.record(s.string(), s.union([s.string(), s.number()]).transform(String));

const Container = s.object({
  name: s.string(),
  image: s.string().optional(),
  resources: s.object({ requests: ResourceList.optional(), limits: ResourceList.optional() }).optional(),
});
const Terminated = s.object({ reason: s.string().optional() });
const ContainerStatus = s.object({
  name: s.string(),
  image: s.string().optional(),
  imageID: s.string().optional(),
  containerID: s.string().optional(),
  restartCount: s.number().default(0),
  state: s
    .object({ waiting: s.object({ reason: s.string().optional() }).optional(), terminated: Terminated.optional() })
    .optional(),
  lastState: s.object({ terminated: Terminated.optional() }).optional(),
});

export const Pod = s.object({
  metadata: ObjectMeta,
  spec: s
    .object({
      nodeName: s.string().optional(),
      hostNetwork: s.boolean().optional(),
      priorityClassName: s.string().optional(),
      containers: s.array(Container).default([]),
    })
    .default({ containers: [] }),
  status: s
    .object({
      phase: s.string().optional(),
      hostIP: s.string().optional(),
      podIP: s.string().optional(),
      conditions: s.array(Condition).optional(),
      containerStatuses: s.array(ContainerStatus).optional(),
    })
    .default({}),
});
export type Pod = Infer<typeof Pod>;

export const Node = s.object({
  metadata: ObjectMeta,
  spec: s
    .object({
      unschedulable: s.boolean().optional(),
      podCIDR: s.string().optional(),
      providerID: s.string().optional(),
    })
    .default({}),
  status: s
    .object({
      nodeInfo: s.record(s.string(), s.unknown()).optional(),
      addresses: s.array(s.object({ type: s.string(), address: s.string() })).optional(),
      conditions: s.array(Condition).optional(),
      capacity: ResourceList.optional(),
      allocatable: ResourceList.optional(),
    })
    .default({}),
});
export type Node = Infer<typeof Node>;

export const Service = s.object({
  metadata: ObjectMeta,
  spec: s
    .object({
      clusterIP: s.string().optional(),
      externalName: s.string().optional(),
      loadBalancerIP: s.string().optional(),
      externalTrafficPolicy: s.string().optional(),
    })
    .default({}),
});
export type Service = Infer<typeof Service>;

export const EndpointSlice = s.object({
  metadata: ObjectMeta,
  endpoints: s
    .array(s.object({ targetRef: s.object({ kind: s.string().optional(), name: s.string() }).optional() }))
    .nullish()
    .transform((v) => v ?? []),
});
export type EndpointSlice = Infer<typeof EndpointSlice>;

const count = s.number().optional();

export const Deployment = s.object({
  metadata: ObjectMeta,
  spec: s.object({ replicas: count }).default({}),
  status: s
    .object({
      replicas: count,
      availableReplicas: count,
      updatedReplicas: count,
      unavailableReplicas: count,
      observedGeneration: count,
      conditions: s.array(Condition).optional(),
    })
    .default({}),
});
export type Deployment = Infer<typeof Deployment>;

export const ReplicaSet = s.object({ metadata: ObjectMeta, spec: s.object({ replicas: count }).default({}) });
export type ReplicaSet = Infer<typeof ReplicaSet>;

export const DaemonSet = s.object({
  metadata: ObjectMeta,
  status: s
    .object({
      desiredNumberScheduled: count,
      currentNumberScheduled: count,
      numberMisscheduled: count,
      numberAvailable: count,
      numberReady: count,
      updatedNumberScheduled: count,
      observedGeneration: count,
    })
    .default({}),
});
export type DaemonSet = Infer<typeof DaemonSet>;

export const StatefulSet = s.object({
  metadata: ObjectMeta,
  spec: s.object({ replicas: count }).default({}),
  status: s
    .object({
      replicas: count,
      readyReplicas: count,
      currentReplicas: count,
      updatedReplicas: count,
      observedGeneration: count,
      currentRevision: s.string().optional(),
      updateRevision: s.string().optional(),
    })
    .default({}),
});
export type StatefulSet = Infer<typeof StatefulSet>;

export const Job = s.object({
  metadata: ObjectMeta,
  status: s
    .object({ active: count, succeeded: count, failed: count, conditions: s.array(Condition).optional() })
    .default({}),
});
export type Job = Infer<typeof Job>;

export const HorizontalPodAutoscaler = s.object({
  metadata: ObjectMeta,
  spec: s.object({ minReplicas: count, maxReplicas: s.number() }),
  status: s.object({ currentReplicas: count, desiredReplicas: count }).default({}),
});
export type HorizontalPodAutoscaler = Infer<typeof HorizontalPodAutoscaler>;

/** What every cached object has: a name and, for namespaced kinds, a namespace. */
export interface KubeObject {
  readonly metadata: ObjectMeta;
}

/** A list response: items plus the resourceVersion to watch from. */
export const ObjectList = s.object({
  metadata: s.object({ resourceVersion: s.string().optional() }).default({}),
  items: s
    .array(s.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** One line of a watch stream. */
export const WatchEvent = s.object({
  type: s.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']),
  object: s.unknown(),
});
export type WatchEvent = Infer<typeof WatchEvent>;

/** metav1.Status, as an ERROR event or a failed request carries it. */
export const Status = s.object({
  kind: s.literal('Status').optional(),
  code: s.number().optional(),
  reason: s.string().optional(),
  message: s.string().optional(),
});

export const BookmarkObject = s.object({ metadata: s.object({ resourceVersion: s.string() }) });

/** Cache key: "namespace/name", or "name" for cluster-scoped objects, as client-go keys them. */
export function objectKey(meta: ObjectMeta): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}
