// The kubelet's /pods answer for a generated node (bench/lib/cgroup-tree.mjs buildKubeNode), made
// of the real pods a v1.34 kubelet served (../shared/fixtures/kubelet/nri-kubernetes/1_34/kubelet/pods):
// pod i is recorded pod i mod 24 with the tree's UID, QoS class and container IDs, its one container
// repeated as many times as the tree has containers per pod, so that names, specs, statuses and
// managedFields are the size a real kubelet sends (~5 KB a pod for one container).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECORDED = resolve(ROOT, '../shared/fixtures/kubelet/nri-kubernetes/1_34/kubelet/pods');
const QOS = { guaranteed: 'Guaranteed', burstable: 'Burstable', besteffort: 'BestEffort' };

/** The PodList for `pods` ({ uid, qos, containerIds }[]) on node `nodeName`, to serve as JSON. */
export function kubeletPodList(pods, nodeName) {
  const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')).items;
  const items = pods.map(({ uid, qos, containerIds }, i) => {
    const pod = structuredClone(recorded[i % recorded.length]);
    pod.metadata.uid = uid;
    pod.metadata.name = `${pod.metadata.name}-${i}`;
    pod.spec.nodeName = nodeName;
    const [spec] = pod.spec.containers;
    const [status] = pod.status.containerStatuses ?? [];
    const name = (k) => (k === 0 ? spec.name : `${spec.name}-${k}`);
    pod.spec.containers = containerIds.map((_, k) => ({ ...spec, name: name(k) }));
    pod.status.containerStatuses = containerIds.map((id, k) => ({
      ...status,
      name: name(k),
      containerID: `containerd://${id}`,
    }));
    pod.status.qosClass = QOS[qos];
    return pod;
  });
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items };
}
