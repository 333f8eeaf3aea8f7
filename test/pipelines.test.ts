/**
 * The two pipelines of a real `kubepulse start`: the lean resource pipeline
 * (node and container CPU and memory) on its own short interval, the full one
 * on a long one, no series produced by both — checked through the PromQL API
 * on what the store actually holds.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCgroupLayout } from '../collector/sources/cgroup/index.js';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { eventually } from './support/eventually.js';

let daemon: Daemon;
/** A real cgroup of our own in every hierarchy (when we may make one), so the container series exist even on a bare host. */
const madeCgroups: string[] = [];

beforeAll(async () => {
  const layout = await detectCgroupLayout({});
  if (layout.ok) {
    const unit = `kubepulse-pipelines-test-${process.pid}.service`;
    for (const r of new Set([...layout.value.controllerDirs.values(), layout.value.unifiedDir ?? layout.value.walkDir])) {
      const d = join(r, unit);
      if (await mkdir(d).then(() => true, () => false)) madeCgroups.push(d);
    }
  }
  const port = await freePort();
  daemon = await startDaemon(
    ['start', '--listen', `127.0.0.1:${port}`, '--data-dir', await tempDir(), '--resource-interval', '1s', '--full-interval', '1h', '--log-level', 'warn'],
    port,
    { KUBECONFIG: '/nonexistent' },
  );
});

afterAll(async () => {
  await daemon?.stop();
  await Promise.all(madeCgroups.map((d) => rmdir(d)));
});

type Vector = { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };

async function query(expr: string): Promise<Vector['data']['result']> {
  const body = (await (await fetch(`${daemon.baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as Vector;
  expect(body.status).toBe('success');
  return body.data.result;
}

describe('resource and full pipelines', () => {
  it('collect node and container CPU and memory every resource interval, everything else every full interval', async () => {
    const cpuSamples = async (): Promise<number> =>
      Number((await query('max(count_over_time(node_cpu_seconds_total{job="node"}[5m]))'))[0]?.value[1] ?? 0);
    await eventually('4 resource collections', async () => ((await cpuSamples()) >= 4 ? true : undefined), { timeoutMs: 20_000 });
    // The full pipeline ran once at start and is not due again for an hour.
    const load = await query('count_over_time(node_load1{job="node"}[5m])');
    expect(load.map((r) => r.value[1])).toEqual(['1']);
    const memory = await query('count_over_time(node_memory_MemAvailable_bytes{job="node"}[5m])');
    expect(Number(memory[0]?.value[1])).toBeGreaterThanOrEqual(4);
    // Containers (this machine's top-level cgroups) follow the same split.
    const containerCpu = await query('max(count_over_time(container_cpu_usage_seconds_total{job="cadvisor"}[5m]))');
    const containerOther = await query('max(count_over_time(container_memory_rss{job="cadvisor"}[5m]))');
    // Our own cgroup guarantees containers wherever we could make one (CI runs as root).
    if (madeCgroups.length > 0) expect(containerCpu.length).toBeGreaterThan(0);
    if (containerCpu.length > 0) {
      expect(Number(containerCpu[0]?.value[1])).toBeGreaterThanOrEqual(3);
      expect(containerOther.map((r) => r.value[1])).toEqual(['1']);
    }
  });

  it('stores kubepulse\'s own metrics with the full pipeline, as Prometheus stores its self-scrape', async () => {
    const build = await query('kubepulse_build_info{job="kubepulse"}');
    expect(build).toHaveLength(1);
    expect(build[0]?.metric.version).toMatch(/^\d+\.\d+\.\d+/);
    // Its /metrics shows them once, not once from the registry and again from the stored collection.
    const text = await (await fetch(`${daemon.baseUrl}/metrics`)).text();
    expect(text.match(/^kubepulse_build_info\{/gm)).toHaveLength(1);
  });

  it('keeps the resource pipeline lean: only CPU and memory series come every resource interval', async () => {
    // The raw samples of the last 5 minutes, counted per series here (count_over_time would drop the names).
    type Matrix = { data: { result: { metric: Record<string, string>; values: unknown[] }[] } };
    const raw = (await (await fetch(`${daemon.baseUrl}/api/v1/query?query=${encodeURIComponent('{job=~"node|cadvisor"}[5m]')}`)).json()) as Matrix;
    const names = [...new Set(raw.data.result.filter((r) => r.values.length >= 3).map((r) => r.metric.__name__ ?? ''))].sort();
    expect(names).toContain('node_cpu_seconds_total');
    expect(names).toContain('node_memory_MemTotal_bytes');
    // From cgroups only what metrics.k8s.io needs; /proc/stat and /proc/meminfo are read whole.
    expect(names.filter((n) => n.startsWith('container_'))).toEqual(
      names.includes('container_cpu_usage_seconds_total') ? ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'] : [],
    );
    expect(names.filter((n) => !/^(container_|node_cpu_|node_memory_|node_(boot_time|context_switches|forks|intr|procs)_)/.test(n))).toEqual([]);
  });
});
