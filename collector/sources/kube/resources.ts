/**
 * The API resources this source watches: where they live on the API server
 * and the schema their objects are narrowed with.
 */
import type { AnySchema, Infer } from '../../schema/index.js';
import {
  DaemonSet,
  Deployment,
  EndpointSlice,
  HorizontalPodAutoscaler,
  Job,
  Node,
  Pod,
  ReplicaSet,
  Service,
  StatefulSet,
} from './objects.js';

export interface ResourceDef<S extends AnySchema = AnySchema> {
  /** Collection path, cluster-wide: `/api/v1/pods`. */
  readonly path: string;
  readonly schema: S;
}

export const RESOURCES = {
  pods: { path: '/api/v1/pods', schema: Pod },
  nodes: { path: '/api/v1/nodes', schema: Node },
  services: { path: '/api/v1/services', schema: Service },
  endpointslices: { path: '/apis/discovery.k8s.io/v1/endpointslices', schema: EndpointSlice },
  deployments: { path: '/apis/apps/v1/deployments', schema: Deployment },
  replicasets: { path: '/apis/apps/v1/replicasets', schema: ReplicaSet },
  daemonsets: { path: '/apis/apps/v1/daemonsets', schema: DaemonSet },
  statefulsets: { path: '/apis/apps/v1/statefulsets', schema: StatefulSet },
  jobs: { path: '/apis/batch/v1/jobs', schema: Job },
  horizontalpodautoscalers: {
    path: '/apis/autoscaling/v2/horizontalpodautoscalers',
    schema: HorizontalPodAutoscaler,
  },
} as const satisfies Record<string, ResourceDef>;

export type KubeResourceName = keyof typeof RESOURCES;
/**
 * A conditional type, as zod's `z.infer` was: kube-source hands each resource's emitter on as an
 * `Emit<KubeResourceName>`, which TypeScript allows for a conditional type but not for a plain indexed
 * one (it would check each emitter's parameter against every resource's object).
 */
export type ResourceObject<R extends KubeResourceName> = R extends KubeResourceName
  ? Infer<(typeof RESOURCES)[R]['schema']>
  : never;

export const ALL_RESOURCES = Object.keys(RESOURCES) as readonly KubeResourceName[];

export function isKubeResourceName(s: string): s is KubeResourceName {
  return Object.hasOwn(RESOURCES, s);
}
