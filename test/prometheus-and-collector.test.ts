/**
 * The collector with the real Prometheus (Debian 2.42) on both sides of it:
 * Prometheus scrapes the collector's /metrics (up is 1, values as the
 * collector reports them), and the collector remote-writes into Prometheus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProcDir } from '../bench/lib/cgroup-tree.mjs';
import { freePort, REPO_ROOT, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.js';
import { eventually as eventuallyWith } from './support/eventually.js';

let prom: RunningPrometheus;
let collector: Daemon;

/** A recorded EKS node (cgroup v1, systemd driver, containerd): one pod, one container. */
const EKS = join(REPO_ROOT, '../shared/fixtures/cgroups/samples/elastic-amzn2-cgroupv1-eks-systemd-containerd');


type Vector = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
const query = async (expr: string): Promise<Vector['data']['result']> =>
  ((await prom.getJson(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as Vector).data.result;

beforeAll(async () => {
  const colPort = await freePort();
  prom = await startPrometheus({
    config: [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: kubepulse-collector',
      `    static_configs: [{ targets: ["127.0.0.1:${colPort}"] }]`,
      '',
    ].join('\n'),
    flags: ['--web.enable-remote-write-receiver'],
  });
  const dir = await tempDir('kp-col-');
  collector = await startDaemon(
    [
      'collector',
      '--listen', `127.0.0.1:${colPort}`,
      '--data-dir', join(dir, 'data'),
      '--resource-interval', '1s',
        '--full-interval', '1s',
      '--remote-write-url', `${prom.url}/api/v1/write`,
      '--node-name', 'node-b',
    ],
    colPort,
    {
      // This machine's /proc but for the mount table, which is the recorded node's (so its cgroups are found).
      KUBEPULSE_PROC_PATH: buildProcDir(join(dir, 'proc'), readFileSync(join(EKS, 'proc/self/mountinfo'), 'utf8')),
      KUBEPULSE_CGROUP_ROOT: join(EKS, 'sys/fs/cgroup'),
    },
  );
});

afterAll(async () => {
  await collector?.stop();
  await prom?.stop();
});

/** Waits, showing the real Prometheus' log if it times out. */
const eventually = <T>(what: string, fn: () => Promise<T | undefined>): Promise<T> =>
  eventuallyWith(what, fn, { detail: () => prom.log().slice(-1500) });

describe('collector ⇄ real Prometheus', () => {
  it('is scraped by Prometheus: up is 1 and node metrics carry the values the collector serves', async () => {
    const up = await eventually('up for the collector', async () => {
      const r = await query('up{job="kubepulse-collector"}');
      return r.length > 0 ? r : undefined;
    });
    expect(up[0]?.value[1]).toBe('1');
    const scraped = await eventually('MemTotal scraped', async () => {
      const r = await query('node_memory_MemTotal_bytes{job="kubepulse-collector"}');
      return r.length > 0 ? r : undefined;
    });
    const text = await (await fetch(`${collector.baseUrl}/metrics`)).text();
    const served = /^node_memory_MemTotal_bytes (\S+)$/m.exec(text)?.[1];
    expect(served).toBeDefined();
    expect(Number(scraped[0]?.value[1])).toBe(Number(served));
  });

  it('serves container series as cAdvisor does (no job or node of its own) and remote-writes them with job, instance and node', async () => {
    const scraped = await eventually('container memory scraped', async () => {
      const r = await query('container_memory_usage_bytes{job="kubepulse-collector"}');
      return r.length > 0 ? r : undefined;
    });
    // Prometheus' own target labels, not exported_job/exported_instance: the collector's /metrics carries neither,
    // nor node (empty image and namespace, without a pod lookup, are no labels at all).
    expect(Object.keys(scraped[0]?.metric ?? {}).sort()).toEqual(['__name__', 'container', 'id', 'instance', 'job', 'name', 'pod']);
    const written = await eventually('remote-written container memory', async () => {
      const r = await query('container_memory_usage_bytes{job="cadvisor"}');
      return r.length > 0 ? r : undefined;
    });
    expect(written[0]?.metric).toMatchObject({ job: 'cadvisor', instance: 'node-b', node: 'node-b', id: scraped[0]?.metric.id });
    expect(written[0]?.value[1]).toBe(scraped[0]?.value[1]);
  });

  it('remote-writes into Prometheus, labelled with its node', async () => {
    const written = await eventually('remote-written MemTotal', async () => {
      const r = await query('node_memory_MemTotal_bytes{job="node"}');
      return r.length > 0 ? r : undefined;
    });
    expect(written[0]?.metric).toEqual({ __name__: 'node_memory_MemTotal_bytes', job: 'node', instance: 'node-b' });
    expect(Number(written[0]?.value[1])).toBeGreaterThan(0);
  });
});
