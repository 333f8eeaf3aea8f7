import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Collection } from '../source.js';
import { createCgroupSource, detectCgroupLayout } from './index.js';
import { openUnder } from './testing/open-files.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLES = path.resolve(repoRoot, '../shared/fixtures/cgroups/samples');
const V1 = path.join(SAMPLES, 'elastic-amzn2-cgroupv1-eks-systemd-containerd');
const V2 = path.join(SAMPLES, 'elastic-docker2-cgroupv2');
const HYBRID = path.join(SAMPLES, 'elastic-ubuntu1804-cgroup-hybrid');
const paths = (root: string) => ({ procPath: path.join(root, 'proc'), cgroupRoot: path.join(root, 'sys/fs/cgroup') });

const V1_POD_UID = '7a96c459-d529-44ae-9f99-90d3798d6426';
const V1_CID = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496';
const V1_ID = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${V1_POD_UID.replaceAll('-', '_')}.slice/cri-containerd-${V1_CID}.scope`;
const V2_SCOPE = 'user.slice/user-1000.slice/session-520.scope';

/** name → value of the samples of one cgroup; a label filter picks among per-device series. */
function values(c: Collection, id: string, extra: Record<string, string> = {}): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of c.samples) {
    if (s.labels.id !== id) continue;
    if (Object.entries(extra).some(([k, v]) => s.labels[k] !== undefined && s.labels[k] !== v)) continue;
    out.set(s.labels.__name__ as string, s.value);
  }
  return out;
}

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('detectCgroupLayout', () => {
  it('tells v1, v2 and hybrid apart from the recorded mountinfo files', async () => {
    const v1 = await detectCgroupLayout(paths(V1));
    const v2 = await detectCgroupLayout(paths(V2));
    const hy = await detectCgroupLayout(paths(HYBRID));
    if (!v1.ok || !v2.ok || !hy.ok) throw new Error('detection failed');
    expect(v1.value.mode).toBe('v1');
    expect(v1.value.controllerDirs.get('cpuacct')).toBe(path.join(V1, 'sys/fs/cgroup/cpu,cpuacct'));
    expect(v1.value.controllerDirs.get('memory')).toBe(path.join(V1, 'sys/fs/cgroup/memory'));
    expect(v1.value.walkDir).toBe(path.join(V1, 'sys/fs/cgroup/cpu,cpuacct'));
    expect(v2.value).toMatchObject({ mode: 'v2', unifiedDir: path.join(V2, 'sys/fs/cgroup') });
    expect(hy.value).toMatchObject({ mode: 'hybrid', unifiedDir: path.join(HYBRID, 'sys/fs/cgroup/unified') });
    // The hybrid capture has no cpu,cpuacct tree, so the walk falls back to memory.
    expect(hy.value.walkDir).toBe(path.join(HYBRID, 'sys/fs/cgroup/memory'));
  });

  it('falls back to cgroup.controllers without mountinfo, and says what is missing otherwise', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cgroup-layout-'));
    temps.push(dir);
    await mkdir(path.join(dir, 'proc'));
    await mkdir(path.join(dir, 'cg'));
    const o = { procPath: path.join(dir, 'proc'), cgroupRoot: path.join(dir, 'cg') };
    const none = await detectCgroupLayout(o);
    expect(none.ok ? 'ok' : none.error.message).toBe(
      `cannot tell the cgroup layout: ${dir}/proc/self/mountinfo: ENOENT: no such file or directory, and ${dir}/cg/cgroup.controllers does not exist`,
    );
    await writeFile(path.join(dir, 'cg', 'cgroup.controllers'), 'cpu memory io pids\n');
    const v2 = await detectCgroupLayout(o);
    expect(v2.ok && v2.value.mode).toBe('v2');
  });
});

describe('createCgroupSource on the recorded trees', () => {
  it('v1 (EKS, systemd driver, containerd): one container with cAdvisor units', async () => {
    const c = await createCgroupSource(paths(V1)).collect();
    expect(c.problems).toEqual([]);
    expect(new Set(c.samples.map((s) => s.labels.id))).toEqual(new Set([V1_ID]));
    const first = c.samples[0]?.labels;
    expect(first).toMatchObject({ name: V1_CID, image: '', namespace: '', pod: V1_POD_UID, container: '1d3d308a7d48' });
    const v = values(c, V1_ID);
    expect(v.get('container_cpu_usage_seconds_total')).toBe(124659500367000 / 1e9); // cpuacct.usage, ns
    expect(c.samples.find((s) => s.labels.__name__ === 'container_cpu_usage_seconds_total')?.labels.cpu).toBe('total');
    expect(v.get('container_cpu_user_seconds_total')).toBe(10848891 / 100); // cpuacct.stat, USER_HZ ticks
    expect(v.get('container_cpu_system_seconds_total')).toBe(1516502 / 100);
    // cpu.cfs_quota_us is -1: no quota, so no CFS series and no spec quota.
    expect(v.has('container_cpu_cfs_periods_total')).toBe(false);
    expect(v.has('container_spec_cpu_quota')).toBe(false);
    expect(v.get('container_spec_cpu_period')).toBe(100000);
    expect(v.get('container_spec_cpu_shares')).toBe(102);
    expect(v.get('container_memory_usage_bytes')).toBe(1215860736);
    expect(v.get('container_memory_max_usage_bytes')).toBe(1532657664);
    expect(v.get('container_memory_working_set_bytes')).toBe(1215860736 - 78557184); // − total_inactive_file
    expect(v.get('container_memory_rss')).toBe(1119465472); // total_rss (use_hierarchy 1)
    expect(v.get('container_memory_cache')).toBe(78397440);
    expect(v.get('container_memory_swap')).toBe(0);
    expect(v.get('container_memory_mapped_file')).toBe(0);
    expect(v.get('container_spec_memory_limit_bytes')).toBe(2147483648);
    expect(v.get('container_memory_failcnt')).toBe(0);
    expect(v.get('container_oom_events_total')).toBe(0);
    expect(v.get('container_threads')).toBe(177); // pids.current
    expect(v.get('container_threads_max')).toBe(0); // pids.max = max
    expect(v.get('container_processes')).toBe(12); // lines of cgroup.procs
    const io = values(c, V1_ID, { device: '259:0' });
    expect(io.get('container_fs_reads_bytes_total')).toBe(3448832);
    expect(io.get('container_fs_writes_bytes_total')).toBe(25203200);
    expect(io.get('container_fs_reads_total')).toBe(59);
    expect(io.get('container_fs_writes_total')).toBe(5048);
    const dirMtime = (await stat(path.join(V1, 'sys/fs/cgroup/cpu,cpuacct', V1_ID))).mtimeMs;
    expect(v.get('container_start_time_seconds')).toBe(Math.floor(dirMtime / 1000));
    expect(c.metadata.find((m) => m.name === 'container_memory_working_set_bytes')).toEqual({
      name: 'container_memory_working_set_bytes',
      type: 'gauge',
      help: 'Current working set in bytes.',
    });
  });

  it('v2 (systemd session scope, no Kubernetes): a host container with PSI', async () => {
    const c = await createCgroupSource(paths(V2)).collect();
    expect(c.problems).toEqual([]);
    const id = `/${V2_SCOPE}`;
    expect(new Set(c.samples.map((s) => s.labels.id))).toEqual(new Set([id]));
    expect(c.samples[0]?.labels).toMatchObject({
      namespace: 'host',
      pod: 'session-520.scope',
      container: 'session-520.scope',
      name: 'session-520.scope',
      image: '',
    });
    const v = values(c, id);
    expect(v.get('container_cpu_usage_seconds_total')).toBe(3611347518 / 1e6); // usage_usec, µs
    expect(v.get('container_cpu_user_seconds_total')).toBe(2915072455 / 1e6);
    expect(v.get('container_cpu_system_seconds_total')).toBe(696275063 / 1e6);
    expect(v.has('container_cpu_cfs_throttled_seconds_total')).toBe(false); // cpu.max = "max 100000"
    expect(v.get('container_spec_cpu_period')).toBe(100000);
    expect(v.get('container_spec_cpu_shares')).toBe(2 + Math.floor(((100 - 1) * 262142) / 9999)); // cpu.weight 100
    expect(v.get('container_memory_usage_bytes')).toBe(10498404352);
    expect(v.get('container_memory_working_set_bytes')).toBe(10498404352 - 6685749248); // − inactive_file
    expect(v.get('container_memory_max_usage_bytes')).toBe(18772946944); // memory.peak
    expect(v.get('container_memory_rss')).toBe(1411100672); // anon
    expect(v.get('container_memory_cache')).toBe(8621432832); // file
    expect(v.get('container_memory_mapped_file')).toBe(56209408); // file_mapped
    expect(v.get('container_memory_swap')).toBe(17715200); // memory.swap.current
    expect(v.get('container_spec_memory_limit_bytes')).toBe(0); // memory.max = max
    expect(v.get('container_oom_events_total')).toBe(0);
    expect(v.get('container_pressure_cpu_waiting_seconds_total')).toBe(115056064 / 1e6);
    expect(v.get('container_pressure_cpu_stalled_seconds_total')).toBe(29254180 / 1e6);
    expect(v.get('container_pressure_memory_waiting_seconds_total')).toBe(1736583 / 1e6);
    expect(v.get('container_pressure_memory_stalled_seconds_total')).toBe(1677369 / 1e6);
    expect(v.get('container_pressure_io_waiting_seconds_total')).toBe(10748370 / 1e6);
    expect(v.get('container_pressure_io_stalled_seconds_total')).toBe(7726267 / 1e6);
    expect(v.get('container_threads')).toBe(148);
    expect(v.get('container_processes')).toBe(14);
  });

  it('reads the same again from the files it keeps open, and sees what changed in them', async () => {
    for (const root of [V1, V2, HYBRID]) {
      const source = createCgroupSource(paths(root));
      const first = await source.collect();
      const second = await source.collect();
      expect(second).toEqual(first);
      expect(first.samples.length).toBeGreaterThan(10);
    }
  });

  it('keeps its files open between collections unless told not to, reading the same either way', async () => {
    const root = path.join(V2, 'sys/fs/cgroup');
    const held = createCgroupSource(paths(V2));
    const reopened = createCgroupSource({ ...paths(V2), keepFilesOpen: false });
    const before = openUnder(root);
    const a = await reopened.collect();
    expect(openUnder(root)).toBe(before);
    const b = await held.collect();
    const heldOpen = openUnder(root) - before;
    expect(heldOpen).toBeGreaterThan(10);
    expect(a).toEqual(b);
    expect((await reopened.collect()).samples).toEqual(a.samples);
    expect(openUnder(root) - before).toBe(heldOpen);
  });

  it('puts the target labels it is given on every series, and says so in the collection', async () => {
    const targetLabels = { job: 'cadvisor', instance: 'n1', node: 'n1' };
    const c = await createCgroupSource({ ...paths(V1), targetLabels }).collect();
    expect(c.samples.length).toBeGreaterThan(10);
    for (const s of c.samples) expect(s.labels).toMatchObject(targetLabels);
    expect(c.constLabels).toEqual(targetLabels);
    expect((await createCgroupSource(paths(V1)).collect()).constLabels).toBeUndefined();
  });

  it('hybrid: v1 memory and blkio of a systemd service', async () => {
    const c = await createCgroupSource(paths(HYBRID)).collect();
    expect(c.problems).toEqual([]);
    const id = '/system.slice/networkd-dispatcher.service';
    const v = values(c, id);
    expect(v.get('container_memory_usage_bytes')).toBe(9039872);
    expect(v.get('container_memory_working_set_bytes')).toBe(9039872 - 0);
    expect(v.get('container_memory_rss')).toBe(8404992);
    expect(v.get('container_memory_max_usage_bytes')).toBe(9908224);
    // The capture has no cpu,cpuacct tree: no CPU series rather than made-up ones.
    expect(v.has('container_cpu_usage_seconds_total')).toBe(false);
    // Only the non-recursive throttle files exist there.
    const io = values(c, id, { device: '8:0' });
    expect(io.get('container_fs_reads_bytes_total')).toBe(8192);
    expect(io.get('container_fs_reads_total')).toBe(2);
  });
});

/** A v2 kubepods tree (cgroupfs driver) made of the recorded v2 scope's files. */
async function kubeTree(): Promise<{ root: string; podUid: string; cid: string; sandbox: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'cgroup-kube-'));
  temps.push(root);
  const scope = path.join(V2, 'sys/fs/cgroup', V2_SCOPE);
  const podUid = '4554a75d-bca2-418d-82d3-0c3cea0a5cf8';
  const cid = 'b85b2c23cc5b0fca66e88ce9fa57b92b17d953a5a00f6db864e4415aa4f96606';
  const sandbox = 'a'.repeat(64);
  const cg = path.join(root, 'sys/fs/cgroup');
  const pod = path.join(cg, 'kubepods/besteffort', `pod${podUid}`);
  for (const d of [pod, path.join(pod, cid), path.join(pod, sandbox), path.join(cg, 'system.slice/kubelet.service')]) {
    await cp(scope, d, { recursive: true });
  }
  // CRI-O's monitor cgroup is not a container.
  await cp(scope, path.join(pod, `crio-conmon-${'c'.repeat(64)}`), { recursive: true });
  await mkdir(path.join(root, 'proc/self'), { recursive: true });
  await writeFile(
    path.join(root, 'proc/self/mountinfo'),
    `953 950 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup rw,nsdelegate\n`,
  );
  await writeFile(path.join(root, 'proc/diskstats'), '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n');
  return { root, podUid, cid, sandbox };
}

describe('Kubernetes cgroups', () => {
  it('reports pod and container cgroups, skips crio-conmon and host units, labels by ID without a lookup', async () => {
    const t = await kubeTree();
    const c = await createCgroupSource(paths(t.root)).collect();
    expect(c.problems).toEqual([]);
    const podId = `/kubepods/besteffort/pod${t.podUid}`;
    expect([...new Set(c.samples.map((s) => s.labels.id))].sort()).toEqual(
      [podId, `${podId}/${t.cid}`, `${podId}/${t.sandbox}`].sort(),
    );
    const labelsOf = (id: string) => c.samples.find((s) => s.labels.id === id)?.labels;
    expect(labelsOf(podId)).toMatchObject({ namespace: '', pod: t.podUid, container: '', name: '', image: '' });
    expect(labelsOf(`${podId}/${t.cid}`)).toMatchObject({
      namespace: '',
      pod: t.podUid,
      container: t.cid.slice(0, 12),
      name: t.cid,
    });
  });

  it('takes names from a PodLookup', async () => {
    const t = await kubeTree();
    const source = createCgroupSource({
      ...paths(t.root),
      podLookup: (uid, cid) =>
        uid !== t.podUid
          ? undefined
          : {
              namespace: 'scraper',
              pod: 'scraper-0',
              container: cid === t.cid ? 'app' : '',
              image: cid === t.cid ? 'img:1' : '',
            },
    });
    const c = await source.collect();
    const byId = (id: string) => c.samples.find((s) => s.labels.id === id)?.labels;
    const podId = `/kubepods/besteffort/pod${t.podUid}`;
    expect(byId(`${podId}/${t.cid}`)).toMatchObject({
      namespace: 'scraper',
      pod: 'scraper-0',
      container: 'app',
      image: 'img:1',
      name: t.cid,
    });
    expect(byId(`${podId}/${t.sandbox}`)).toMatchObject({ namespace: 'scraper', pod: 'scraper-0', container: '' });
    expect(byId(podId)).toMatchObject({ namespace: 'scraper', pod: 'scraper-0', container: '', name: '' });
  });

  it('names devices from diskstats, reports a garbled file at file:line and keeps every other series', async () => {
    const t = await kubeTree();
    const leaf = path.join(t.root, 'sys/fs/cgroup/kubepods/besteffort', `pod${t.podUid}`, t.cid);
    await writeFile(path.join(leaf, 'io.stat'), '8:0 rbytes=10 wbytes=20 rios=1 wios=2\n');
    const memStat = await readFile(path.join(leaf, 'memory.stat'), 'utf8');
    const lines = memStat.split('\n');
    lines[1] = 'file lots'; // `file` is read (container_memory_cache); the unread keys are not checked
    await writeFile(path.join(leaf, 'memory.stat'), lines.join('\n'));
    const c = await createCgroupSource(paths(t.root)).collect();
    expect(c.problems).toEqual([
      { source: 'cgroup', place: `${leaf}/memory.stat:2`, message: 'expected "<key> <integer>", got "file lots"' },
    ]);
    const id = `/kubepods/besteffort/pod${t.podUid}/${t.cid}`;
    expect(values(c, id).get('container_memory_rss')).toBe(1411100672);
    expect(values(c, id).get('container_memory_cache')).toBe(0); // the garbled key counts as absent
    expect(values(c, id).get('container_cpu_usage_seconds_total')).toBe(3611347518 / 1e6);
    const io = c.samples.filter((s) => s.labels.id === id && s.labels.__name__ === 'container_fs_writes_bytes_total');
    expect(io.map((s) => [s.labels.device, s.value])).toEqual([['/dev/sda', 20]]);
  });
});
