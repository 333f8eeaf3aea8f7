/**
 * `kubepulse collector` scrapes the annotated pods of its node: a real
 * collector process reads /pods from a test kubelet (real HTTPS, self-signed),
 * scrapes "pods" that are exposition servers on 127.0.0.1, and remote-writes
 * what it got into a real receiver and store. A pod that goes away leaves
 * staleness markers; a pod that breaks a limit or serves garbage is up=0 on
 * its own, with the reason in /api/v1/targets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStaleNaN } from '../collector/sources/scrape/index.js';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { startKubeletServer, type TestKubelet } from './support/kubelet-server.js';
import { startTestHub, storedSamples, waitFor, type TestHub } from './support/remote-write-hub.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A pod's metrics endpoint on 127.0.0.1. */
async function podServer(body: string): Promise<number> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

function pod(name: string, port: number, annotations: Record<string, string>) {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      labels: { app: 'shop', 'app.kubernetes.io/name': name },
      annotations,
    },
    spec: {
      nodeName: 'node-a',
      containers: [{ name: 'app', ports: [{ name: 'metrics', containerPort: port, protocol: 'TCP' }] }],
    },
    status: { phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1' },
  };
}

const podList = (pods: unknown[]) => ({
  body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: pods }),
  contentType: 'application/json',
});

/** The latest sample of each series named `name` whose `pod` label is `podName`. */
function latest(
  hub: TestHub,
  name: string,
  podName: string,
): { labels: Record<string, string>; v: number; t: number }[] {
  const out = [];
  for (const [key, samples] of storedSamples(hub.db, name)) {
    const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
    const last = samples.at(-1);
    if (labels.pod === podName && last) out.push({ labels, ...last });
  }
  return out;
}

type TargetsAnswer = {
  status: string;
  data: {
    activeTargets: {
      labels: Record<string, string>;
      scrapeUrl: string;
      health: string;
      lastError: string;
      scrapePool: string;
      scrapeInterval: string;
    }[];
    droppedTargets: unknown[];
  };
};

describe('collector scrapes annotated pods', () => {
  it('sends their samples with pod labels, fails only the broken ones, and marks a removed pod stale', async () => {
    const hub = await startTestHub();
    cleanups.push(() => hub.stop());
    const portA = await podServer('# TYPE app_requests_total counter\napp_requests_total{code="200"} 42\n');
    const portB = await podServer('app_queue_length 3\n');
    const portBig = await podServer(Array.from({ length: 10 }, (_, i) => `many_series{i="${i}"} ${i}\n`).join(''));
    const portBad = await podServer('fine 1\nbroken{code="500" 2\n');
    const scrape = { 'prometheus.io/scrape': 'true' };
    const pods = {
      a: pod('a-0', portA, { ...scrape, 'prometheus.io/port': String(portA) }),
      // No port annotation: the declared container port is the target; the path comes from its annotation.
      b: pod('b-0', portB, { ...scrape, 'prometheus.io/path': '/metrics' }),
      big: pod('big-0', portBig, { ...scrape, 'prometheus.io/port': String(portBig) }),
      bad: pod('bad-0', portBad, { ...scrape, 'prometheus.io/port': String(portBad) }),
      ignored: pod('ignored-0', portA, {}),
    };
    const kubelet: TestKubelet = await startKubeletServer({ routes: { '/pods': podList(Object.values(pods)) } });
    cleanups.push(() => kubelet.close());

    const dir = await tempDir('kp-pod-scrape-');
    const kubeletPort = new URL(kubelet.url).port;
    await writeFile(
      join(dir, 'collector.yaml'),
      [
        `kubelet: { port: ${kubeletPort}, insecureSkipVerify: true }`,
        'scrape: { sampleLimit: 5 }',
        // Only the pod scrapes: the node's own sources would only slow the test down.
        'procfs: { enabled: false }',
        'cgroup: { enabled: false }',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const collector: Daemon = await startDaemon(
      [
        'collector',
        '--config',
        join(dir, 'collector.yaml'),
        '--listen',
        `127.0.0.1:${port}`,
        '--data-dir',
        join(dir, 'data'),
        '--resource-interval',
        '1s',
        '--full-interval',
        '1s',
        '--remote-write-url',
        hub.url,
        '--node-name',
        'node-a',
      ],
      port,
      { NODE_IP: '127.0.0.1' },
    );
    cleanups.push(() => collector.stop());
    const why = () => collector.output().stderr.slice(-2000);

    const upOf = (p: string) => latest(hub, 'up', p)[0]?.v;
    await waitFor(
      () =>
        upOf('a-0') === 1 &&
        upOf('b-0') === 1 &&
        upOf('big-0') === 0 &&
        upOf('bad-0') === 0 &&
        latest(hub, 'app_requests_total', 'a-0').length === 1 &&
        latest(hub, 'app_queue_length', 'b-0').length === 1,
      'the samples and up of the four annotated pods in the hub',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${why()}`);
    });
    const [requests] = latest(hub, 'app_requests_total', 'a-0');
    expect(requests?.labels).toEqual({
      __name__: 'app_requests_total',
      code: '200',
      job: 'kubernetes-pods',
      instance: `127.0.0.1:${portA}`,
      namespace: 'shop',
      pod: 'a-0',
      container: 'app',
      node: 'node-a',
      app: 'shop',
      app_kubernetes_io_name: 'a-0',
    });
    expect(requests?.v).toBe(42);
    expect(latest(hub, 'app_queue_length', 'b-0')[0]?.labels.instance).toBe(`127.0.0.1:${portB}`);
    // The pod over the sample limit sends none of its samples; the unannotated pod is not scraped.
    expect(latest(hub, 'many_series', 'big-0')).toEqual([]);
    expect(latest(hub, 'up', 'ignored-0')).toEqual([]);

    const targets = (await (await fetch(`${collector.baseUrl}/api/v1/targets`)).json()) as TargetsAnswer;
    expect(targets.status).toBe('success');
    const byPod = new Map(targets.data.activeTargets.map((t) => [t.labels.pod, t]));
    expect([...byPod.keys()].sort()).toEqual(['a-0', 'b-0', 'bad-0', 'big-0']);
    expect(byPod.get('a-0')).toMatchObject({
      health: 'up',
      lastError: '',
      scrapePool: 'kubernetes-pods',
      scrapeInterval: '1s',
      scrapeUrl: `http://127.0.0.1:${portA}/metrics`,
    });
    expect(byPod.get('big-0')).toMatchObject({
      health: 'down',
      lastError: 'sample_limit exceeded: 10 samples, limit is 5',
    });
    expect(byPod.get('bad-0')?.health).toBe('down');
    expect(byPod.get('bad-0')?.lastError).toMatch(/^invalid exposition: line 2: /);
    expect(targets.data.droppedTargets).toHaveLength(1);

    // Pod a is deleted: its loop stops and every series it had gets a staleness marker.
    kubelet.route('/pods', podList([pods.b, pods.big, pods.bad, pods.ignored]));
    await waitFor(
      () =>
        ['app_requests_total', 'up', 'scrape_duration_seconds', 'scrape_samples_scraped'].every((n) =>
          latest(hub, n, 'a-0').every((s) => isStaleNaN(s.v)),
        ),
      'staleness markers for pod a-0',
    );
    const staleAt = latest(hub, 'up', 'a-0')[0]?.t ?? 0;
    const bUpBefore = latest(hub, 'up', 'b-0')[0]?.t ?? 0;
    await waitFor(() => (latest(hub, 'up', 'b-0')[0]?.t ?? 0) > bUpBefore + 1_500, 'later scrapes of b-0');
    // Nothing of a-0 arrived after its marker, while b-0 went on.
    expect(latest(hub, 'up', 'a-0')[0]?.t).toBe(staleAt);
    expect(upOf('b-0')).toBe(1);
    const after = (await (await fetch(`${collector.baseUrl}/api/v1/targets?state=active`)).json()) as TargetsAnswer;
    expect(after.data.activeTargets.map((t) => t.labels.pod).sort()).toEqual(['b-0', 'bad-0', 'big-0']);
  });
});
