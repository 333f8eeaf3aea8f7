/**
 * What a cgroup directory is, from its name alone. Kubelet names its cgroups
 * after the QoS class, the pod UID and the container ID; the cgroup driver
 * decides the spelling (kubernetes `pkg/kubelet/cm/cgroup_manager_linux.go`):
 *
 *   systemd:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope
 *   cgroupfs: /kubepods/burstable/pod<uid>/<id>
 *
 * Guaranteed pods sit directly under the kubepods root. Runtimes name the leaf
 * `cri-containerd-<id>.scope`, `crio-<id>.scope`, `docker-<id>.scope` (systemd)
 * or `<id>`, `crio-<id>` (cgroupfs). CRI-O's `crio-conmon-<id>` holds its
 * monitor process, not the container, and is skipped as cAdvisor does. A kind
 * node prefixes everything (`kubelet-kubepods-….slice`), which the patterns allow.
 */

export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';
export type ContainerRuntime = 'containerd' | 'crio' | 'docker' | 'unknown';

export type CgroupIdentity =
  | { readonly kind: 'kubepods' }
  | { readonly kind: 'qos'; readonly qos: QosClass }
  | { readonly kind: 'pod'; readonly qos: QosClass; readonly podUid: string }
  | {
      readonly kind: 'container';
      readonly qos: QosClass;
      readonly podUid: string;
      readonly containerId: string;
      readonly runtime: ContainerRuntime;
    };

const KUBEPODS = /^(?:kubepods|(?:.+-)?kubepods\.slice)$/;
const QOS = /^(?:(burstable|besteffort)|(?:.+-)?kubepods-(burstable|besteffort)\.slice)$/;
const POD_SYSTEMD = /^(?:.+-)?pod([0-9a-f_]+)\.slice$/;
const POD_CGROUPFS = /^pod([0-9a-f-]+)$/;
const CONTAINER = /^(?:(cri-containerd|crio|docker)-)?([0-9a-f]{64})(?:\.scope)?$/;

const RUNTIME: Readonly<Record<string, ContainerRuntime>> = {
  'cri-containerd': 'containerd',
  crio: 'crio',
  docker: 'docker',
};

export function isKubepodsRoot(name: string): boolean {
  return KUBEPODS.test(name);
}

/** The identity of `name`, a child of a cgroup whose identity is `parent`; undefined when it is none of kubelet's. */
export function childIdentity(parent: CgroupIdentity, name: string): CgroupIdentity | undefined {
  switch (parent.kind) {
    case 'kubepods': {
      const q = QOS.exec(name);
      if (q) return { kind: 'qos', qos: (q[1] ?? q[2]) as QosClass };
      return podIdentity(name, 'guaranteed');
    }
    case 'qos':
      return podIdentity(name, parent.qos);
    case 'pod': {
      if (name.startsWith('crio-conmon-')) return undefined;
      const c = CONTAINER.exec(name);
      if (!c) return undefined;
      const runtime = c[1] === undefined ? 'unknown' : (RUNTIME[c[1]] ?? 'unknown');
      return { kind: 'container', qos: parent.qos, podUid: parent.podUid, containerId: c[2] as string, runtime };
    }
    case 'container':
      return undefined;
    default: {
      const never: never = parent;
      return never;
    }
  }
}

function podIdentity(name: string, qos: QosClass): CgroupIdentity | undefined {
  const s = POD_SYSTEMD.exec(name);
  // The systemd driver escapes the UID's dashes as underscores.
  if (s) return { kind: 'pod', qos, podUid: (s[1] as string).replaceAll('_', '-') };
  const c = POD_CGROUPFS.exec(name);
  if (c) return { kind: 'pod', qos, podUid: c[1] as string };
  return undefined;
}

/**
 * Outside Kubernetes, a cgroup is a "container" when it is a systemd unit that
 * holds processes (`*.service`, `*.scope`: system services, Docker's
 * `docker-<id>.scope`, login sessions) or a plain directory at the top level
 * (`/docker/<id>` with Docker's cgroupfs driver, hand-made cgroups). Slices
 * only group units and are walked into.
 */
export type HostEntry = 'container' | 'descend' | 'skip';

export function hostEntry(name: string, depth: number): HostEntry {
  if (name.endsWith('.slice')) return 'descend';
  if (name.endsWith('.service') || name.endsWith('.scope')) return name === 'init.scope' ? 'skip' : 'container';
  if (depth === 1 && (name === 'docker' || name === 'lxc')) return 'descend';
  if (depth === 1) return 'container';
  if (depth === 2 && CONTAINER.test(name)) return 'container';
  return 'skip';
}
