// A node's worth of cgroups for the collector benchmarks: a cgroup v2 kubepods tree
// (cgroupfs driver, containerd) made of the recorded v2 files in ../shared/fixtures/cgroups,
// and a proc directory that is this machine's /proc except for the cgroup mount table.
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLES = resolve(ROOT, '../shared/fixtures/cgroups/samples');
const SCOPE = join(SAMPLES, 'elastic-docker2-cgroupv2/sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope');
const IO_STAT = join(SAMPLES, 'elastic-io-stat/ubuntu2/io.stat');

/** The one mountinfo line that says "cgroup v2 at /sys/fs/cgroup". */
export const V2_MOUNTINFO = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 rw\n';

/**
 * Writes `pods` pod cgroups with `containers` container cgroups each under
 * `<dir>/sys/fs/cgroup/kubepods/{burstable,besteffort,}` (the kubelet's QoS classes),
 * plus `<dir>/proc/self/mountinfo` and `<dir>/proc/diskstats`. Returns the cgroup root.
 */
export function buildKubeTree(dir, opts = {}) {
  return buildKubeNode(dir, opts).cgroupRoot;
}

/**
 * buildKubeTree, also returning what the tree holds: each pod's UID, QoS class and
 * container IDs, from which bench/lib/kubelet-pods.mjs makes the kubelet's /pods answer.
 */
export function buildKubeNode(dir, { pods = 110, containers = 3 } = {}) {
  const cg = join(dir, 'sys/fs/cgroup');
  const ioStat = readFileSync(IO_STAT, 'utf8');
  const qos = ['burstable', 'besteffort', ''];
  const cgroupDir = (d) => {
    cpSync(SCOPE, d, { recursive: true });
    writeFileSync(join(d, 'io.stat'), ioStat);
  };
  const made = [];
  for (let p = 0; p < pods; p++) {
    const uid = randomUUID();
    const pod = join(cg, 'kubepods', qos[p % 3], `pod${uid}`);
    cgroupDir(pod);
    const containerIds = [];
    for (let c = 0; c < containers; c++) {
      const id = randomBytes(32).toString('hex');
      cgroupDir(join(pod, id));
      containerIds.push(id);
    }
    made.push({ uid, qos: qos[p % 3] || 'guaranteed', containerIds });
  }
  mkdirSync(join(dir, 'proc/self'), { recursive: true });
  writeFileSync(join(dir, 'proc/self/mountinfo'), V2_MOUNTINFO);
  writeFileSync(
    join(dir, 'proc/diskstats'),
    ' 253 0 vda 1 2 3 4 5 6 7 8 9 10 11\n 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11\n',
  );
  return { cgroupRoot: cg, pods: made };
}

/**
 * `<dir>` as a stand-in for /proc: every entry of the real /proc but the processes
 * (PID 1 excepted: its mounts are the node's) is a symbolic link to it, so the procfs
 * source reads this machine; `self/mountinfo` is `mountinfo`, so the cgroup source
 * finds the generated tree; `self/smaps` points at the reader's own (page size).
 */
export function buildProcDir(dir, mountinfo = V2_MOUNTINFO) {
  mkdirSync(join(dir, 'self'), { recursive: true });
  for (const name of readdirSync('/proc')) {
    if (name === 'self' || name === 'thread-self' || (/^\d+$/.test(name) && name !== '1')) continue;
    symlinkSync(join('/proc', name), join(dir, name));
  }
  writeFileSync(join(dir, 'self/mountinfo'), mountinfo);
  symlinkSync('/proc/self/smaps', join(dir, 'self/smaps'));
  return dir;
}
