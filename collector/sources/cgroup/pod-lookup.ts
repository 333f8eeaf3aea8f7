/**
 * Names for pod and container cgroups. The cgroup path carries only the pod
 * UID and the container ID; kubelet's embedded cAdvisor asks the runtime for
 * the rest. We ask whoever knows this node's pods (the kube source, or a
 * kubelet `/pods` response) through one function.
 */
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { s, type Infer } from '../../schema/index.js';

export interface PodNames {
  readonly namespace: string;
  readonly pod: string;
  /** Empty for the pod's sandbox ("pause") container, as cAdvisor reports it with containerd and CRI-O. */
  readonly container: string;
  readonly image: string;
}

/**
 * Names for the container `containerId` (64 hex characters, no runtime
 * prefix) of pod `podUid`; `containerId` is `''` when asking about the pod
 * cgroup itself. `undefined` when the pod is unknown: the source then labels
 * the series with the IDs (pod = UID, container = first 12 characters of the
 * ID, namespace empty).
 */
export type PodLookup = (podUid: string, containerId: string) => PodNames | undefined;

const ContainerStatus = s.object({
  name: s.string(),
  containerID: s.string().optional(),
  image: s.string().default(''),
  imageID: s.string().default(''),
});

const PodListSchema = s.object({
  items: s.array(
    s.object({
      metadata: s.object({ name: s.string(), namespace: s.string().default('default'), uid: s.string() }),
      status: s
        .object({
          containerStatuses: s.array(ContainerStatus).default([]),
          initContainerStatuses: s.array(ContainerStatus).default([]),
          ephemeralContainerStatuses: s.array(ContainerStatus).default([]),
        })
        .default({ containerStatuses: [], initContainerStatuses: [], ephemeralContainerStatuses: [] }),
    }),
  ),
});

/**
 * The image as the runtime reports it: the status' `image`, except when the
 * runtime only knows the image by its digest (`sha256:…`); then `imageID`
 * (`repo@sha256:…`), which is what cAdvisor shows for such containers.
 */
function imageOf(status: Infer<typeof ContainerStatus>): string {
  return status.image.startsWith('sha256:') && status.imageID !== '' ? status.imageID : status.image;
}

/** `containerd://<id>`, `cri-o://<id>`, `docker://<id>` → `<id>`. */
const bareId = (containerID: string): string => containerID.replace(/^[a-z-]+:\/\//, '');

/**
 * Builds a PodLookup from a kubelet `/pods` response (a v1 PodList). A
 * container ID that is not in the pod's statuses is taken to be the sandbox.
 *
 * @example
 * const lookup = parsePodList(await (await fetch(`${kubelet}/pods`)).text());
 * if (lookup.ok) createCgroupSource({ podLookup: lookup.value });
 */
export function parsePodList(json: string, place = 'pods'): Result<PodLookup, Error> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return err(new Error(`${place}: not JSON: ${(e as Error).message}`));
  }
  return podLookupOf(data, place);
}

/** parsePodList for a PodList already parsed from JSON (a caller that reads the same answer another way too). */
export function podLookupOf(data: unknown, place = 'pods'): Result<PodLookup, Error> {
  const parsed = PodListSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(new Error(`${place}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a PodList'}`));
  }
  const pods = new Map<string, { namespace: string; pod: string; containers: Map<string, PodNames> }>();
  for (const item of parsed.data.items) {
    const { namespace, name: pod, uid } = item.metadata;
    const containers = new Map<string, PodNames>();
    const st = item.status;
    for (const status of [...st.containerStatuses, ...st.initContainerStatuses, ...st.ephemeralContainerStatuses]) {
      if (status.containerID)
        containers.set(bareId(status.containerID), { namespace, pod, container: status.name, image: imageOf(status) });
    }
    pods.set(uid, { namespace, pod, containers });
  }
  return ok((podUid, containerId) => {
    const p = pods.get(podUid);
    if (!p) return undefined;
    return p.containers.get(containerId) ?? { namespace: p.namespace, pod: p.pod, container: '', image: '' };
  });
}
