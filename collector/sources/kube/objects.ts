/**
 * The parts of Kubernetes objects this source reads, as zod schemas. Watch
 * events and list bodies are narrowed here; fields we do not use are dropped,
 * so the caches hold only what collect() renders.
 */
import { z } from 'zod';

const OwnerReference = z.object({
  kind: z.string(),
  name: z.string(),
  controller: z.boolean().optional(),
});

export const ObjectMeta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;
export type OwnerReference = z.infer<typeof OwnerReference>;

const Condition = z.object({ type: z.string(), status: z.string(), reason: z.string().optional() });
export type Condition = z.infer<typeof Condition>;
const ResourceList = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

const Container = z.object({
  name: z.string(),
  image: z.string().optional(),
  resources: z.object({ requests: ResourceList.optional(), limits: ResourceList.optional() }).optional(),
});
const Terminated = z.object({ reason: z.string().optional() });
const ContainerStatus = z.object({
  name: z.string(),
  image: z.string().optional(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
  restartCount: z.number().default(0),
  state: z
    .object({ waiting: z.object({ reason: z.string().optional() }).optional(), terminated: Terminated.optional() })
    .optional(),
  lastState: z.object({ terminated: Terminated.optional() }).optional(),
});

export const Pod = z.object({
  metadata: ObjectMeta,
  spec: z
    .object({
      nodeName: z.string().optional(),
      hostNetwork: z.boolean().optional(),
      priorityClassName: z.string().optional(),
      containers: z.array(Container).default([]),
    })
    .default({ containers: [] }),
  status: z
    .object({
      phase: z.string().optional(),
      hostIP: z.string().optional(),
      podIP: z.string().optional(),
      conditions: z.array(Condition).optional(),
      containerStatuses: z.array(ContainerStatus).optional(),
    })
    .default({}),
});
export type Pod = z.infer<typeof Pod>;

export const Node = z.object({
  metadata: ObjectMeta,
  spec: z
    .object({
      unschedulable: z.boolean().optional(),
      podCIDR: z.string().optional(),
      providerID: z.string().optional(),
    })
    .default({}),
  status: z
    .object({
      nodeInfo: z.record(z.string(), z.unknown()).optional(),
      addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional(),
      conditions: z.array(Condition).optional(),
      capacity: ResourceList.optional(),
      allocatable: ResourceList.optional(),
    })
    .default({}),
});
export type Node = z.infer<typeof Node>;

export const Service = z.object({
  metadata: ObjectMeta,
  spec: z
    .object({
      clusterIP: z.string().optional(),
      externalName: z.string().optional(),
      loadBalancerIP: z.string().optional(),
      externalTrafficPolicy: z.string().optional(),
    })
    .default({}),
});
export type Service = z.infer<typeof Service>;

export const EndpointSlice = z.object({
  metadata: ObjectMeta,
  endpoints: z
    .array(z.object({ targetRef: z.object({ kind: z.string().optional(), name: z.string() }).optional() }))
    .nullish()
    .transform((v) => v ?? []),
});
export type EndpointSlice = z.infer<typeof EndpointSlice>;

const count = z.number().optional();

export const Deployment = z.object({
  metadata: ObjectMeta,
  spec: z.object({ replicas: count }).default({}),
  status: z
    .object({
      replicas: count,
      availableReplicas: count,
      updatedReplicas: count,
      unavailableReplicas: count,
      observedGeneration: count,
      conditions: z.array(Condition).optional(),
    })
    .default({}),
});
export type Deployment = z.infer<typeof Deployment>;

export const ReplicaSet = z.object({ metadata: ObjectMeta, spec: z.object({ replicas: count }).default({}) });
export type ReplicaSet = z.infer<typeof ReplicaSet>;

export const DaemonSet = z.object({
  metadata: ObjectMeta,
  status: z
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
export type DaemonSet = z.infer<typeof DaemonSet>;

export const StatefulSet = z.object({
  metadata: ObjectMeta,
  spec: z.object({ replicas: count }).default({}),
  status: z
    .object({
      replicas: count,
      readyReplicas: count,
      currentReplicas: count,
      updatedReplicas: count,
      observedGeneration: count,
      currentRevision: z.string().optional(),
      updateRevision: z.string().optional(),
    })
    .default({}),
});
export type StatefulSet = z.infer<typeof StatefulSet>;

export const Job = z.object({
  metadata: ObjectMeta,
  status: z
    .object({ active: count, succeeded: count, failed: count, conditions: z.array(Condition).optional() })
    .default({}),
});
export type Job = z.infer<typeof Job>;

export const HorizontalPodAutoscaler = z.object({
  metadata: ObjectMeta,
  spec: z.object({ minReplicas: count, maxReplicas: z.number() }),
  status: z.object({ currentReplicas: count, desiredReplicas: count }).default({}),
});
export type HorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscaler>;

/** What every cached object has: a name and, for namespaced kinds, a namespace. */
export interface KubeObject {
  readonly metadata: ObjectMeta;
}

/** A list response: items plus the resourceVersion to watch from. */
export const ObjectList = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).default({}),
  items: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
});

/** One line of a watch stream. */
export const WatchEvent = z.object({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']),
  object: z.unknown(),
});
export type WatchEvent = z.infer<typeof WatchEvent>;

/** metav1.Status, as an ERROR event or a failed request carries it. */
export const Status = z.object({
  kind: z.literal('Status').optional(),
  code: z.number().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const BookmarkObject = z.object({ metadata: z.object({ resourceVersion: z.string() }) });

/** Cache key: "namespace/name", or "name" for cluster-scoped objects, as client-go keys them. */
export function objectKey(meta: ObjectMeta): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}
