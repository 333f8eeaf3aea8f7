import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CgroupIdentity } from './cgroup-identity.js';
import { childIdentity, isKubepodsRoot } from './cgroup-identity.js';
import { containerLabels } from './cgroup-source.js';
import type { DiscoveredCgroup } from './discovery.js';
import { parsePodList } from './pod-lookup.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const KUBELET = path.resolve(repoRoot, '../shared/fixtures/kubelet/nri-kubernetes');
const read = (rel: string): string => readFileSync(path.join(KUBELET, rel), 'utf8');

/** The identity of a cgroup path, segment by segment, as discovery walks it. */
function identify(id: string): CgroupIdentity | undefined {
  let current: CgroupIdentity | undefined;
  for (const name of id.split('/').filter((s) => s !== '')) {
    if (current === undefined) {
      if (isKubepodsRoot(name)) current = { kind: 'kubepods' };
      continue;
    }
    current = childIdentity(current, name);
    if (current === undefined) return undefined;
  }
  return current;
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Label sets of one family in a /metrics/cadvisor capture. */
function series(text: string, family: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${family}{`))
    .map((l) => {
      const labels: Record<string, string> = {};
      for (const m of l.slice(0, l.indexOf('}')).matchAll(LABEL)) labels[m[1] as string] = m[2] as string;
      return labels;
    });
}

describe('cgroup paths of real kubelets', () => {
  it.each([
    ['1_34', 'cgroupfs driver, containerd'],
    ['1_18', 'systemd driver, Docker'],
  ])('recognises every pod and container cgroup in the %s capture (%s)', (version) => {
    const all = series(read(`${version}/kubelet/metrics/cadvisor`), 'container_memory_working_set_bytes');
    const kube = all.filter((l) => l.pod !== '');
    expect(kube.length).toBeGreaterThan(20);
    for (const l of kube) {
      const i = identify(l.id as string);
      if (l.container === '' && l.name === '') expect(i?.kind, l.id).toBe('pod');
      else {
        expect(i?.kind, l.id).toBe('container');
        if (i?.kind === 'container')
          expect(l.id?.endsWith(i.containerId) || l.id?.includes(`-${i.containerId}.scope`)).toBe(true);
      }
    }
  });

  it('skips crio-conmon scopes and takes the QoS class from either driver', () => {
    const uid = '0a1b2c3d-0000-1111-2222-333344445555';
    const cid = 'f'.repeat(64);
    const sys = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replaceAll('-', '_')}.slice`;
    expect(identify(`${sys}/crio-${cid}.scope`)).toMatchObject({
      kind: 'container',
      qos: 'besteffort',
      podUid: uid,
      runtime: 'crio',
    });
    expect(identify(`${sys}/crio-conmon-${cid}.scope`)).toBeUndefined();
    expect(identify(`/kubepods/pod${uid}/${cid}`)).toMatchObject({
      kind: 'container',
      qos: 'guaranteed',
      runtime: 'unknown',
    });
    expect(identify(`/kubepods/burstable/pod${uid}/crio-${cid}`)).toMatchObject({ qos: 'burstable', runtime: 'crio' });
    // kind nests kubelet's root under its own slice.
    expect(
      identify(
        `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${uid.replaceAll('-', '_')}.slice/cri-containerd-${cid}.scope`,
      ),
    ).toMatchObject({ kind: 'container', qos: 'burstable', podUid: uid, containerId: cid, runtime: 'containerd' });
  });
});

describe('parsePodList', () => {
  it('gives the names kubelet itself gave the 1.34 capture (same node, same moment)', () => {
    const lookup = parsePodList(read('1_34/kubelet/pods'), '1_34/kubelet/pods');
    if (!lookup.ok) throw lookup.error;
    const all = series(read('1_34/kubelet/metrics/cadvisor'), 'container_memory_working_set_bytes');
    let containers = 0;
    let pods = 0;
    for (const l of all.filter((x) => x.pod !== '')) {
      const identity = identify(l.id as string);
      if (identity?.kind !== 'pod' && identity?.kind !== 'container') throw new Error(`unrecognised ${l.id}`);
      const cgroup: DiscoveredCgroup = { id: l.id as string, identity };
      const ours = containerLabels(cgroup, lookup.value);
      expect({ namespace: ours.namespace, pod: ours.pod }, l.id).toEqual({ namespace: l.namespace, pod: l.pod });
      if (identity.kind === 'pod') pods++;
      // Sandboxes are not in /pods; their image (pause) is known only to the runtime.
      if (identity.kind !== 'container' || l.container === '') continue;
      containers++;
      expect(ours, l.id).toEqual({
        id: l.id,
        name: l.name,
        image: l.image,
        namespace: l.namespace,
        pod: l.pod,
        container: l.container,
      });
    }
    expect(pods).toBeGreaterThan(10);
    expect(containers).toBeGreaterThan(10);
  });

  it('maps Docker container IDs of the 1.18 capture', () => {
    const lookup = parsePodList(read('1_18/kubelet/pods'));
    if (!lookup.ok) throw lookup.error;
    const all = series(read('1_18/kubelet/metrics/cadvisor'), 'container_memory_working_set_bytes');
    const named = all.filter((l) => l.container !== '' && l.container !== 'POD');
    expect(named.length).toBeGreaterThan(5);
    for (const l of named) {
      const identity = identify(l.id as string);
      if (identity?.kind !== 'container') throw new Error(`unrecognised ${l.id}`);
      const n = lookup.value(identity.podUid, identity.containerId);
      expect({ ns: n?.namespace, pod: n?.pod, container: n?.container }, l.id).toEqual({
        ns: l.namespace,
        pod: l.pod,
        container: l.container,
      });
    }
  });

  it('answers undefined for an unknown pod and "" for an unknown container of a known pod', () => {
    const lookup = parsePodList(read('1_34/kubelet/pods'));
    if (!lookup.ok) throw lookup.error;
    expect(lookup.value('no-such-pod', '')).toBeUndefined();
    expect(lookup.value('c573a764-ebd5-4d94-ae1d-b123dbb0b4e8', 'e'.repeat(64))).toEqual({
      namespace: 'kube-system',
      pod: 'kindnet-zqk2n',
      container: '',
      image: '',
    });
  });

  it('rejects bad input with the place', () => {
    const notJson = parsePodList('{"items": [', 'kubelet/pods');
    expect(notJson.ok ? '' : notJson.error.message).toMatch(/^kubelet\/pods: not JSON: /);
    const noUid = parsePodList('{"items":[{"metadata":{"name":"a"}}]}', 'kubelet/pods');
    expect(noUid.ok ? '' : noUid.error.message).toMatch(/^kubelet\/pods: items\.0\.metadata\.uid: /);
  });
});
