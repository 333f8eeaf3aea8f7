import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CAPTURED_VERSIONS, KUBELET_CAPTURES_DIR, KUBELET_FIXTURES_DIR } from '../../../test/support/kubelet-server.js';
import type { Collection } from '../source.js';
import { canonicalLabels, parseKubeletMetrics } from './exposition-metrics.js';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function parse(file: string, target: Record<string, string>): Collection {
  const r = parseKubeletMetrics(readFileSync(file), TEXT, target);
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  return { ...r.value, problems: [] };
}

describe('/metrics/cadvisor captures', () => {
  const target = (v: string) => ({ job: 'kubelet', node: `node-${v}`, metrics_path: '/metrics/cadvisor' });

  it.each(CAPTURED_VERSIONS)('%s parses whole, with the target labels on every sample', (v) => {
    const c = parse(join(KUBELET_CAPTURES_DIR, v, 'kubelet/metrics/cadvisor'), target(v));
    // Sample counts as SOURCES.md records them.
    expect(c.samples.length).toBe(v === '1_18' ? 2768 : 4855);
    expect(c.samples.every((s) => s.labels.node === `node-${v}` && s.labels.metrics_path === '/metrics/cadvisor')).toBe(
      true,
    );
    // The kubelet stamps usage samples with cAdvisor's read time and leaves spec samples unstamped; both kept.
    const usage = samplesOf(c, 'container_cpu_usage_seconds_total');
    expect(usage.length).toBeGreaterThan(50);
    expect(usage.every((s) => s.t !== undefined && s.t > 1.6e12)).toBe(true);
    const spec = samplesOf(c, 'container_spec_cpu_shares');
    expect(spec.length).toBe(v === '1_18' ? 52 : 61);
    expect(spec.every((s) => s.t === undefined)).toBe(true);
    expect(c.metadata.find((m) => m.name === 'container_cpu_usage_seconds_total')?.type).toBe('counter');
  });

  it('1.34: a container CPU counter with its own timestamp, empty labels dropped', () => {
    const c = parse(join(KUBELET_CAPTURES_DIR, '1_34/kubelet/metrics/cadvisor'), target('1_34'));
    const [s, ...rest] = samplesOf(c, 'container_cpu_usage_seconds_total', {
      pod: 'e2e-deployment-6fb786454b-7fsxc',
      container: 'compute-pi-digits',
    });
    expect(rest).toHaveLength(0);
    expect(s?.value).toBe(2.756273);
    expect(s?.t).toBe(1768329616335);
    expect(s?.labels.image).toBe('docker.io/library/perl:5.34.0');
    // The root cgroup's container="" and pod="" are gone, as Prometheus drops empty labels.
    const root = samplesOf(c, 'container_memory_working_set_bytes', { id: '/' });
    expect(root).toHaveLength(1);
    expect(root[0]?.value).toBe(898445312);
    expect(root[0]?.labels.pod).toBeUndefined();
  });

  it('1.18: the pod sandbox (container="POD") under systemd slices', () => {
    const c = parse(join(KUBELET_CAPTURES_DIR, '1_18/kubelet/metrics/cadvisor'), target('1_18'));
    expect(valueOf(c, 'container_cpu_usage_seconds_total', { pod: 'kube-proxy-nxj27', container: 'POD' })).toBe(
      0.027060687,
    );
    expect(valueOf(c, 'container_network_receive_bytes_total', { id: '/', interface: 'eth0' })).toBe(779282364);
  });

  it('a kubelet label that clashes with a target label is kept as exported_<name>', () => {
    const r = parseKubeletMetrics('m{node="inner",job="x"} 1\n', TEXT, { job: 'kubelet', node: 'outer' });
    expect(r.ok && r.value.samples[0]?.labels).toEqual({
      __name__: 'm',
      node: 'outer',
      exported_node: 'inner',
      job: 'kubelet',
      exported_job: 'x',
    });
  });

  it('garbage is an error naming the line', () => {
    const r = parseKubeletMetrics('ok_metric 1\nnot a metric line {\n', TEXT, {});
    expect(r.ok ? 'parsed' : r.error).toMatch(/^line 2: /);
  });
});

describe('legacy pod_name / container_name (Kubernetes ≤ 1.15)', () => {
  const c = parse(join(KUBELET_FIXTURES_DIR, 'metrics-cadvisor-legacy-labels.txt'), {
    job: 'kubelet',
    node: 'minikube',
  });

  it('1.14/1.15 style (both names): one pod/container pair, no legacy names left', () => {
    const s = samplesOf(c, 'container_cpu_usage_seconds_total', { container: 'coredns' });
    expect(s).toHaveLength(1);
    expect(s[0]?.labels.pod).toBe('coredns-66bff467f8-hm847');
    expect(s[0]?.value).toBe(3.129944236);
    expect(c.samples.some((x) => 'pod_name' in x.labels || 'container_name' in x.labels)).toBe(false);
  });

  it('≤1.13 style (only legacy names) are renamed to pod and container', () => {
    expect(valueOf(c, 'container_cpu_usage_seconds_total', { pod: 'etcd-minikube', container: 'etcd' })).toBe(41.25);
    expect(valueOf(c, 'container_memory_working_set_bytes', { pod: 'etcd-minikube', container: 'etcd' })).toBe(
      56123392,
    );
  });

  it('canonicalLabels keeps a non-empty new name over the legacy one', () => {
    expect(canonicalLabels({ pod: 'a', pod_name: 'b', container_name: 'c' })).toEqual({ pod: 'a', container: 'c' });
  });
});

describe('/metrics/resource', () => {
  const target = { job: 'kubelet', node: 'n', metrics_path: '/metrics/resource' };

  it('1.34: node, pod and container usage with the kubelet timestamps; the error gauge without one', () => {
    const c = parse(join(KUBELET_FIXTURES_DIR, 'metrics-resource-1_34.txt'), target);
    const pod = { namespace: 'scraper', pod: 'e2e-deployment-6fb786454b-7fsxc' };
    const cpu = samplesOf(c, 'container_cpu_usage_seconds_total', { ...pod, container: 'compute-pi-digits' });
    expect(cpu.map((s) => [s.value, s.t])).toEqual([[2.756273, Date.parse('2026-01-13T18:40:16Z')]]);
    expect(samplesOf(c, 'pod_cpu_usage_seconds_total', pod).map((s) => [s.value, s.t])).toEqual([
      [2.900063, Date.parse('2026-01-13T18:40:17Z')],
    ]);
    expect(valueOf(c, 'pod_memory_working_set_bytes', pod)).toBe(10661888);
    expect(valueOf(c, 'container_start_time_seconds', { ...pod, container: 'compute-pi-digits' })).toBe(1768329581);
    expect(valueOf(c, 'node_cpu_usage_seconds_total')).toBe(63.349226);
    expect(valueOf(c, 'node_memory_working_set_bytes')).toBe(898445312);
    const e = samplesOf(c, 'resource_scrape_error');
    expect(e.map((s) => [s.value, s.t, s.labels.node])).toEqual([[0, undefined, 'n']]);
  });

  it('1.18: scrape_error and no pod-level families', () => {
    const c = parse(join(KUBELET_FIXTURES_DIR, 'metrics-resource-1_18.txt'), target);
    expect(
      valueOf(c, 'container_cpu_usage_seconds_total', { pod: 'coredns-66bff467f8-hm847', container: 'coredns' }),
    ).toBe(3.129944236);
    expect(valueOf(c, 'node_cpu_usage_seconds_total')).toBe(281.55358469);
    expect(valueOf(c, 'scrape_error')).toBe(0);
    expect(samplesOf(c, 'pod_cpu_usage_seconds_total')).toHaveLength(0);
  });
});
