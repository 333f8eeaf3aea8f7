import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CAPTURED_VERSIONS, KUBELET_CAPTURES_DIR } from '../../../test/support/kubelet-server.js';
import type { Collection } from '../source.js';
import { parseKubeletMetrics } from './exposition-metrics.js';
import { parseSummary } from './summary-metrics.js';

const target = { job: 'kubelet', node: 'n1', metrics_path: '/stats/summary' };

function summaryOf(v: string): Collection {
  const r = parseSummary(readFileSync(join(KUBELET_CAPTURES_DIR, v, 'kubelet/stats/summary')), target);
  if (!r.ok) throw new Error(`${v}: ${r.error}`);
  return { ...r.value, problems: [] };
}

describe('/stats/summary captures', () => {
  it.each(CAPTURED_VERSIONS)('%s: one CPU and memory series per pod and container, all with target labels', (v) => {
    const c = summaryOf(v);
    const pods = v === '1_18' ? 15 : 18;
    expect(samplesOf(c, 'pod_cpu_usage_seconds_total')).toHaveLength(pods);
    expect(samplesOf(c, 'pod_memory_working_set_bytes')).toHaveLength(pods);
    expect(samplesOf(c, 'container_cpu_usage_seconds_total')).toHaveLength(pods); // one container each in both captures
    expect(c.samples.every((s) => s.labels.node === 'n1' && s.labels.job === 'kubelet')).toBe(true);
  });

  it('1.18: coredns pod CPU counter in seconds, memory, network per interface, ephemeral storage', () => {
    const c = summaryOf('1_18');
    const pod = { namespace: 'kube-system', pod: 'coredns-66bff467f8-hm847' };
    const cpu = samplesOf(c, 'pod_cpu_usage_seconds_total', pod);
    expect(cpu.map((s) => [s.value, s.t])).toEqual([[3.161062589, Date.parse('2021-12-14T17:30:44Z')]]);
    expect(valueOf(c, 'pod_memory_working_set_bytes', pod)).toBe(7012352);
    expect(valueOf(c, 'container_cpu_usage_seconds_total', { ...pod, container: 'coredns' })).toBe(3.129944236);
    expect(valueOf(c, 'container_memory_working_set_bytes', { ...pod, container: 'coredns' })).toBe(6373376);
    expect(valueOf(c, 'container_start_time_seconds', { ...pod, container: 'coredns' })).toBe(
      Date.parse('2021-12-14T17:10:54Z') / 1000,
    );
    const rx = samplesOf(c, 'container_network_receive_bytes_total', { ...pod, interface: 'eth0' });
    expect(rx.map((s) => [s.value, s.t])).toEqual([[565212, Date.parse('2021-12-14T17:30:52Z')]]);
    expect(valueOf(c, 'container_network_transmit_bytes_total', { ...pod, interface: 'eth0' })).toBe(163573);
    expect(valueOf(c, 'container_network_receive_bytes_total', { ...pod, interface: 'sit0' })).toBe(0);
    expect(valueOf(c, 'kubepulse_pod_ephemeral_storage_used_bytes', pod)).toBe(73728);
    // rootfs 32768 + logs 28672
    expect(valueOf(c, 'kubepulse_container_ephemeral_storage_used_bytes', { ...pod, container: 'coredns' })).toBe(
      61440,
    );
    expect(valueOf(c, 'node_cpu_usage_seconds_total')).toBe(281.55358469);
    expect(valueOf(c, 'node_memory_working_set_bytes')).toBe(1438248960);
    expect(valueOf(c, 'kubepulse_node_ephemeral_storage_used_bytes')).toBe(2102358016);
    expect(valueOf(c, 'kubepulse_node_ephemeral_storage_capacity_bytes')).toBe(18211586048);
  });

  it("1.34 agrees with the same node's /metrics/cadvisor for a container's CPU", () => {
    const c = summaryOf('1_34');
    const pod = { namespace: 'scraper', pod: 'e2e-deployment-6fb786454b-7fsxc' };
    // cadvisor capture: container_cpu_usage_seconds_total{container="compute-pi-digits",pod=...7fsxc} 2.756273
    expect(valueOf(c, 'container_cpu_usage_seconds_total', { ...pod, container: 'compute-pi-digits' })).toBe(2.756273);
    expect(valueOf(c, 'pod_cpu_usage_seconds_total', pod)).toBe(2.900063);
    expect(valueOf(c, 'container_network_receive_bytes_total', { ...pod, interface: 'eth0' })).toBe(446);
    expect(valueOf(c, 'container_network_transmit_bytes_total', { ...pod, interface: 'eth0' })).toBe(796);
    expect(valueOf(c, 'node_cpu_usage_seconds_total')).toBe(63.349226);
    expect(c.metadata.find((m) => m.name === 'pod_cpu_usage_seconds_total')?.type).toBe('counter');
  });
});

describe('/stats/summary agrees with /metrics/cadvisor of the same capture', () => {
  it.each(CAPTURED_VERSIONS)("%s: every pod's CPU counter and working set equal its pod cgroup's", (v) => {
    const summary = summaryOf(v);
    const cad = parseKubeletMetrics(
      readFileSync(join(KUBELET_CAPTURES_DIR, v, 'kubelet/metrics/cadvisor')),
      undefined,
      {},
    );
    if (!cad.ok) throw new Error(cad.error);
    // The pod-level cgroup: no container label, id ending in pod<uid> (cgroupfs) or …pod<uid>.slice (systemd).
    const podCgroup = (name: string, ns: string, pod: string): number | undefined =>
      cad.value.samples.find(
        (s) =>
          s.labels.__name__ === name &&
          s.labels.namespace === ns &&
          s.labels.pod === pod &&
          s.labels.container === undefined &&
          /\/[^/]*pod[^/]*$/.test(s.labels.id ?? ''),
      )?.value;
    const pods = samplesOf(summary, 'pod_cpu_usage_seconds_total');
    expect(pods.length).toBe(v === '1_18' ? 15 : 18);
    for (const s of pods) {
      const ns = s.labels.namespace ?? '';
      const pod = s.labels.pod ?? '';
      expect([pod, s.value]).toEqual([pod, podCgroup('container_cpu_usage_seconds_total', ns, pod)]);
      expect([pod, valueOf(summary, 'pod_memory_working_set_bytes', { namespace: ns, pod })]).toEqual([
        pod,
        podCgroup('container_memory_working_set_bytes', ns, pod),
      ]);
    }
  });
});

describe('bad summaries', () => {
  it('not JSON', () => {
    const r = parseSummary('<html>oops</html>', target);
    expect(r.ok ? 'parsed' : r.error).toMatch(/^not JSON: /);
  });

  it('a wrong type names the JSON path', () => {
    const body = JSON.stringify({
      node: { nodeName: 'n1' },
      pods: [{ podRef: { name: 'a', namespace: 'b', uid: 'u' }, cpu: { usageCoreNanoSeconds: 'lots' } }],
    });
    const r = parseSummary(body, target);
    expect(r.ok ? 'parsed' : r.error).toMatch(/^pods\.0\.cpu\.usageCoreNanoSeconds: /);
  });

  it('a starting pod without stats yields no samples for it, not an error', () => {
    const body = JSON.stringify({
      node: { nodeName: 'n1' },
      pods: [{ podRef: { name: 'a', namespace: 'b', uid: 'u' }, containers: null }],
    });
    const r = parseSummary(body, target);
    expect(r.ok && r.value.samples).toEqual([]);
  });
});
