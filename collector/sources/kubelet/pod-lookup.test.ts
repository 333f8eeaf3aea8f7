import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestKubelet } from '../../../test/support/kubelet-server.js';
import { captureRoutes, startKubeletServer } from '../../../test/support/kubelet-server.js';
import { createDirectKubeletClient } from './kubelet-client.js';
import { fetchPodLookup } from './pod-lookup.js';

describe('fetchPodLookup over HTTP', () => {
  let k18: TestKubelet;
  let k34: TestKubelet;
  beforeAll(async () => {
    k18 = await startKubeletServer({ tls: false, routes: captureRoutes('1_18') });
    k34 = await startKubeletServer({ tls: false, routes: captureRoutes('1_34') });
  });
  afterAll(async () => {
    await k18.close();
    await k34.close();
  });

  it('1.18 (docker): container ID → names and image', async () => {
    const r = await fetchPodLookup(createDirectKubeletClient({ url: k18.url }));
    if (!r.ok) throw new Error(r.error.message);
    expect(
      r.value(
        '81b0b50a-1a55-478f-ba87-53bf08678eac',
        '30249b5e556f4ffb5237470b3ed33bf8c85cef43e36aff004083411696ff78b9',
      ),
    ).toEqual({
      namespace: 'kube-system',
      pod: 'storage-provisioner',
      container: 'storage-provisioner',
      image: 'gcr.io/k8s-minikube/storage-provisioner:v5',
    });
    // A static pod's UID is the config hash, not a UUID.
    expect(r.value('b395a1e17534e69e27827b1f8d737725', '')?.pod).toBe('kube-controller-manager-minikube');
    expect(r.value('no-such-pod', '')).toBeUndefined();
  });

  it('1.34 (containerd): an image known only by digest reports its imageID; unknown IDs are the sandbox', async () => {
    const r = await fetchPodLookup(createDirectKubeletClient({ url: k34.url }));
    if (!r.ok) throw new Error(r.error.message);
    const uid = '28e3529b-d3ce-4d40-8163-e5f5b4b985b9';
    expect(r.value(uid, '712a4efedef2a170bde0888ad013ba8eb2af6f8fcb68d5347ec70140eef04a9d')).toEqual({
      namespace: 'kube-system',
      pod: 'metrics-server-85b7d694d7-dqckt',
      container: 'metrics-server',
      image:
        'registry.k8s.io/metrics-server/metrics-server@sha256:89258156d0e9af60403eafd44da9676fd66f600c7934d468ccc17e42b199aee2',
    });
    expect(r.value(uid, 'f'.repeat(64))).toEqual({
      namespace: 'kube-system',
      pod: 'metrics-server-85b7d694d7-dqckt',
      container: '',
      image: '',
    });
  });

  it('a body that is not a PodList is a decode error naming the URL', async () => {
    k34.route('/pods', { body: '{"kind":"Status","items":"nope"}', contentType: 'application/json' });
    const r = await fetchPodLookup(createDirectKubeletClient({ url: k34.url }));
    expect(r.ok ? 'ok' : [r.error.kind, r.error.message]).toEqual([
      'decode',
      `GET ${k34.url}/pods: items: Invalid input: expected array, received string`,
    ]);
  });
});
