import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import { err, ok } from '../../result.js';
import type { DiscoveredPods } from '../../sources/discovery/index.js';
import type { KubeletClient } from '../../sources/kubelet/index.js';
import { createPodListCache } from './kubelet-wiring.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PODS = readFileSync(join(REPO_ROOT, '../shared/fixtures/kubelet/nri-kubernetes/1_34/kubelet/pods'));
const URL_ = 'https://10.0.0.5:10250/pods';

/** A kubelet that answers /pods with what the test hands it next, counting requests. */
function kubelet(answers: (() => Uint8Array | undefined)[]) {
  let calls = 0;
  const client: KubeletClient & { readonly calls: () => number } = {
    baseUrl: 'https://10.0.0.5:10250',
    calls: () => calls,
    get(path) {
      expect(path).toBe('/pods');
      const body = answers[Math.min(calls, answers.length - 1)]?.();
      calls++;
      return Promise.resolve(
        body
          ? ok({ url: URL_, body, contentType: 'application/json' })
          : err({ url: URL_, kind: 'network', message: `GET ${URL_}: refused` }),
      );
    },
  };
  return client;
}

const lines: string[] = [];
const logger = createLogger({ level: 'warn', format: 'json', write: (l) => lines.push(l) });
const settle = () => new Promise((r) => setTimeout(r, 10));
const CGROUP_POD = { uid: '990d239a-a2c4-447a-aa76-f90be5dfd3a9', name: 'e2e-kube-state-metrics-64d545d47-nvr8f' };

/** A cache (maximum age 1 s) that got the recorded pods, then `second` (undefined: a failed request) 2 s later. */
async function afterSecondAnswer(second: () => Uint8Array | undefined) {
  let now = 0;
  const client = kubelet([() => PODS, second]);
  const cache = createPodListCache(client, 1_000, logger, () => now);
  await settle();
  now = 2_000;
  cache.refresh();
  await settle();
  expect(client.calls()).toBe(2);
  return cache;
}

describe('createPodListCache', () => {
  it('serves pod names and discovery from one /pods fetch, and reads an answer again only when it changed', async () => {
    const renamed = JSON.parse(PODS.toString()) as { items: { metadata: { uid: string; name: string } }[] };
    const target = renamed.items.find((p) => p.metadata.uid === CGROUP_POD.uid);
    if (target) target.metadata.name = 'renamed-pod';
    const client = kubelet([() => PODS, () => Buffer.from(PODS), () => Buffer.from(JSON.stringify(renamed))]);
    let now = 0;
    const cache = createPodListCache(client, 15_000, logger, () => now);
    const updates: DiscoveredPods[] = [];
    cache.onUpdate((p) => updates.push(p));
    await settle();
    expect(cache.lookup(CGROUP_POD.uid, '')?.pod).toBe(CGROUP_POD.name);
    expect(cache.pods()?.pods).toHaveLength(24);
    expect(updates).toHaveLength(1);
    cache.refresh();
    now = 14_999;
    cache.lookup(CGROUP_POD.uid, '');
    cache.refresh();
    expect(client.calls()).toBe(1);
    // The same bytes again: fetched, not parsed, nobody told.
    now = 15_000;
    cache.refresh();
    cache.lookup(CGROUP_POD.uid, '');
    await settle();
    expect(client.calls()).toBe(2);
    expect(updates).toHaveLength(1);
    expect(cache.lookup(CGROUP_POD.uid, '')?.pod).toBe(CGROUP_POD.name);
    // A changed answer is read: the new name, and listeners get the new list.
    now = 30_000;
    cache.refresh();
    await settle();
    expect(client.calls()).toBe(3);
    expect(updates).toHaveLength(2);
    expect(cache.lookup(CGROUP_POD.uid, '')?.pod).toBe('renamed-pod');
    expect(updates[1]?.pods.some((p) => p.name === 'renamed-pod')).toBe(true);
  });

  it('says why an answer that is not JSON gives no names, and keeps the last good list', async () => {
    const cache = await afterSecondAnswer(() => Buffer.from('<html>login</html>'));
    expect(cache.lookup(CGROUP_POD.uid, '')?.pod).toBe(CGROUP_POD.name);
    expect(
      lines.some((l) => l.includes('pod names from the kubelet unusable') && l.includes(`GET ${URL_}: not JSON: `)),
    ).toBe(true);
  });

  it('keeps the last good list when the kubelet fails, and says why', async () => {
    const cache = await afterSecondAnswer(() => undefined);
    expect(cache.pods()?.pods).toHaveLength(24);
    expect(cache.lookup(CGROUP_POD.uid, '')?.pod).toBe(CGROUP_POD.name);
    expect(
      lines.some((l) => l.includes('reading pods from the kubelet failed') && l.includes(`GET ${URL_}: refused`)),
    ).toBe(true);
  });

  it('still discovers the good pods when one pod is malformed', async () => {
    const list = JSON.parse(PODS.toString()) as { items: { spec: { containers: { ports?: unknown }[] } }[] };
    const first = list.items[0];
    if (first) first.spec.containers = [{ ports: 'none' }];
    const client = kubelet([() => Buffer.from(JSON.stringify(list))]);
    const cache = createPodListCache(client, 1_000, logger, () => 0);
    await settle();
    expect(cache.pods()?.pods).toHaveLength(23);
    expect(cache.pods()?.problems[0]).toMatch(
      /^GET https:\/\/10\.0\.0\.5:10250\/pods: items\.0 \(kube-system\/kindnet-zqk2n\): spec\.containers\.0\.name: /,
    );
  });
});
