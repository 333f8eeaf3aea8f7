/**
 * The real API objects under test/fixtures/kube, ready to seed the test API
 * server. v1 Endpoints become discovery.k8s.io/v1 EndpointSlices the way the
 * EndpointSlice mirroring controller would make them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeObj, KubeResource } from './kube-api-server.js';

export const KUBE_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kube');

const WORKLOAD_KINDS: Readonly<Record<string, KubeResource>> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  DaemonSet: 'daemonsets',
  StatefulSet: 'statefulsets',
  Job: 'jobs',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
};

const parsed = new Map<string, KubeObj[]>();

/** The items of a List fixture; parsed once per process, a fresh copy per call. */
export function readKubeList(file: string): KubeObj[] {
  let items = parsed.get(file);
  if (!items) {
    const doc = parse(readFileSync(path.join(KUBE_FIXTURES, file), 'utf8')) as { items?: KubeObj[] };
    if (!Array.isArray(doc.items)) throw new Error(`${file}: expected a List with items`);
    items = doc.items;
    parsed.set(file, items);
  }
  return structuredClone(items);
}

interface EndpointsSubset {
  addresses?: { ip: string; nodeName?: string; targetRef?: { kind?: string; name: string; namespace?: string } }[];
  notReadyAddresses?: EndpointsSubset['addresses'];
  ports?: { name?: string; port: number; protocol?: string }[];
}

/** One EndpointSlice per Endpoints object, as the mirroring controller produces for a simple service. */
export function endpointsToSlices(endpoints: readonly KubeObj[]): KubeObj[] {
  return endpoints.map((ep) => {
    const subsets = (ep['subsets'] ?? []) as EndpointsSubset[];
    const slot = (ready: boolean) => (a: NonNullable<EndpointsSubset['addresses']>[number]) => ({
      addresses: [a.ip],
      conditions: { ready },
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      ...(a.targetRef ? { targetRef: a.targetRef } : {}),
    });
    return {
      addressType: 'IPv4',
      metadata: {
        name: `${ep.metadata.name}-mirror`,
        namespace: ep.metadata.namespace,
        labels: {
          'kubernetes.io/service-name': ep.metadata.name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
        },
      },
      endpoints: subsets.flatMap((s) => [
        ...(s.addresses ?? []).map(slot(true)),
        ...(s.notReadyAddresses ?? []).map(slot(false)),
      ]),
      ports: subsets.flatMap((s) => s.ports ?? []),
    };
  });
}

/** Every fixture object, by resource. */
export function kubeFixtureObjects(): Record<KubeResource, KubeObj[]> {
  const out: Record<KubeResource, KubeObj[]> = {
    pods: readKubeList('pods.yaml'),
    nodes: readKubeList('nodes.yaml'),
    services: readKubeList('services.yaml'),
    endpointslices: endpointsToSlices(readKubeList('endpoints.yaml')),
    deployments: [],
    replicasets: [],
    daemonsets: [],
    statefulsets: [],
    jobs: [],
    horizontalpodautoscalers: [],
  };
  for (const o of readKubeList('workloads.yaml')) {
    const r = WORKLOAD_KINDS[String(o['kind'])];
    if (!r) throw new Error(`workloads.yaml: unexpected kind ${String(o['kind'])}`);
    out[r].push(o);
  }
  return out;
}
