import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { namesOf, PROCFS_FIXTURES, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import type { Collection } from '../source.js';
import type { StatfsFn } from './filesystem.js';
import type { ProcfsOptions } from './index.js';
import { createProcfsSource } from './index.js';

const HOST = path.join(PROCFS_FIXTURES, 'host');
const statfsCalls: string[] = [];
const statfs: StatfsFn = (p) => {
  statfsCalls.push(p);
  return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5 });
};
const NOW_MS = 1_795_790_000_123;

function hostOptions(root: string): ProcfsOptions {
  return {
    procPath: path.join(root, 'proc'),
    sysPath: path.join(root, 'sys'),
    rootfsPath: path.join(root, 'root'),
    statfs,
    clock: () => NOW_MS,
  };
}

/** Every family named in the brief of this source. */
const EXPECTED_FAMILIES = [
  'node_cpu_seconds_total',
  'node_cpu_guest_seconds_total',
  'node_memory_MemTotal_bytes',
  'node_memory_Active_anon_bytes',
  'node_memory_HugePages_Total',
  'node_load1',
  'node_load5',
  'node_load15',
  'node_procs_running',
  'node_procs_blocked',
  'node_context_switches_total',
  'node_intr_total',
  'node_forks_total',
  'node_boot_time_seconds',
  'node_time_seconds',
  'node_disk_reads_completed_total',
  'node_disk_read_bytes_total',
  'node_disk_io_time_seconds_total',
  'node_disk_discards_completed_total',
  'node_disk_flush_requests_total',
  'node_network_receive_bytes_total',
  'node_network_transmit_carrier_total',
  'node_network_up',
  'node_network_info',
  'node_filesystem_size_bytes',
  'node_filesystem_free_bytes',
  'node_filesystem_avail_bytes',
  'node_filesystem_files',
  'node_filesystem_files_free',
  'node_filesystem_readonly',
  'node_filesystem_device_error',
  'node_pressure_cpu_waiting_seconds_total',
  'node_pressure_memory_waiting_seconds_total',
  'node_pressure_memory_stalled_seconds_total',
  'node_pressure_io_waiting_seconds_total',
  'node_pressure_io_stalled_seconds_total',
  'node_vmstat_pgmajfault',
  'node_vmstat_pgfault',
  'node_vmstat_pgpgin',
  'node_vmstat_pgpgout',
  'node_vmstat_pswpin',
  'node_vmstat_pswpout',
  'node_vmstat_oom_kill',
  'node_uname_info',
  'node_os_info',
  'node_filefd_allocated',
  'node_filefd_maximum',
  'node_sockstat_sockets_used',
  'node_sockstat_TCP_inuse',
  'node_netstat_Tcp_InSegs',
];

function expectConsistentMetadata(c: Collection): void {
  const names = namesOf(c);
  expect(new Set(c.metadata.map((m) => m.name))).toEqual(names);
}

describe('createProcfsSource on a recorded host', () => {
  it('produces every family from the recorded files, without problems', async () => {
    const c = await createProcfsSource(hostOptions(HOST)).collect();
    expect(c.problems).toEqual([]);
    for (const f of EXPECTED_FAMILIES) expect(namesOf(c), f).toContain(f);
    expectConsistentMetadata(c);
    expect(valueOf(c, 'node_time_seconds')).toBe(NOW_MS / 1000);
    expect(valueOf(c, 'node_load1')).toBe(6.24);
    expect(valueOf(c, 'node_filefd_allocated')).toBe(722);
    expect(valueOf(c, 'node_filefd_maximum')).toBe(2466170);
    expect(valueOf(c, 'node_vmstat_pgmajfault')).toBe(890);
    // Only the default vmstat fields: pg*fault, pgpg*, pswp*, oom_kill.
    expect([...namesOf(c)].filter((n) => n.startsWith('node_vmstat_')).sort()).toEqual([
      'node_vmstat_oom_kill',
      'node_vmstat_pgfault',
      'node_vmstat_pgmajfault',
      'node_vmstat_pgpgin',
      'node_vmstat_pgpgout',
      'node_vmstat_pswpin',
      'node_vmstat_pswpout',
    ]);
    // No smaps under the recorded /proc: the page size falls back to 4 KiB.
    expect(valueOf(c, 'node_sockstat_TCP_mem_bytes')).toBe(167 * 4096);
  });

  it('reads uname from <proc>/sys/kernel and the OS from <rootfs>/etc/os-release', async () => {
    const c = await createProcfsSource(hostOptions(HOST)).collect();
    expect(samplesOf(c, 'node_uname_info')[0]?.labels).toEqual({
      __name__: 'node_uname_info',
      sysname: 'Linux',
      release: '6.18.44-fc-v669',
      version: '#1 SMP PREEMPT_DYNAMIC @0',
      machine: os.machine(),
      nodename: 'vm',
      domainname: '(none)',
    });
    expect(samplesOf(c, 'node_os_info')[0]?.labels.id).toBe('ubuntu');
  });

  it('reads /sys/class/net: operstate gives node_network_up, unreadable attributes are empty', async () => {
    const c = await createProcfsSource(hostOptions(HOST)).collect();
    expect(valueOf(c, 'node_network_up', { device: 'eth0' })).toBe(1);
    expect(valueOf(c, 'node_network_up', { device: 'lo' })).toBe(0);
    expect(samplesOf(c, 'node_network_info', { device: 'lo' })[0]?.labels).toEqual({
      __name__: 'node_network_info',
      device: 'lo',
      address: '00:00:00:00:00:00',
      broadcast: '00:00:00:00:00:00',
      duplex: '',
      ifalias: '',
      operstate: 'unknown',
    });
    // bonding_masters is a file, not an interface.
    expect(
      samplesOf(c, 'node_network_up')
        .map((s) => s.labels.device)
        .sort(),
    ).toEqual(['eth0', 'lo']);
  });

  it('stats mounts under the rootfs path', async () => {
    statfsCalls.length = 0;
    const c = await createProcfsSource(hostOptions(HOST)).collect();
    const root = path.join(HOST, 'root');
    expect(statfsCalls.sort()).toEqual([root, `${root}/mnt/nfs`, `${root}/srv/My Data`, `${root}/tmp`].sort());
    expect(valueOf(c, 'node_filesystem_size_bytes', { mountpoint: '/srv/My Data' })).toBe(409600);
  });
});

describe('createProcfsSource on a damaged host', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each broken or missing file by name and still produces everything else', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'procfs-broken-'));
    cpSync(HOST, dir, { recursive: true });
    const broken = (name: string, target: string) =>
      copyFileSync(path.join(PROCFS_FIXTURES, 'broken', name), path.join(dir, target));
    broken('meminfo-garbage', 'proc/meminfo');
    broken('loadavg-binary', 'proc/loadavg');
    broken('stat-truncated', 'proc/stat');
    broken('net-dev-garbage', 'proc/net/dev');
    rmSync(path.join(dir, 'proc/diskstats'));
    rmSync(path.join(dir, 'proc/1'), { recursive: true });
    // A kernel without pressure stall information: not a problem, just no node_pressure_*.
    rmSync(path.join(dir, 'proc/pressure'), { recursive: true });

    const c = await createProcfsSource(hostOptions(dir)).collect();
    const proc = path.join(dir, 'proc');
    const places = c.problems.map((p) => p.place.replace(proc, '<proc>'));
    expect(places).toEqual(
      expect.arrayContaining([
        '<proc>/meminfo:2',
        '<proc>/meminfo:3',
        '<proc>/loadavg:1',
        '<proc>/stat:2',
        '<proc>/stat',
        '<proc>/net/dev:4',
        '<proc>/net/dev:5',
        '<proc>/diskstats',
        '<proc>/mounts',
      ]),
    );
    expect(places).toHaveLength(9);
    expect(c.problems.find((p) => p.place.endsWith('diskstats'))?.message).toBe('ENOENT: no such file or directory');
    expect(c.problems.every((p) => p.source === 'procfs')).toBe(true);

    // What could be read is there.
    expect(valueOf(c, 'node_memory_MemTotal_bytes')).toBe(24684084 * 1024);
    expect(valueOf(c, 'node_network_receive_bytes_total', { device: 'lo' })).toBe(63058);
    for (const f of [
      'node_vmstat_pgfault',
      'node_netstat_Tcp_InSegs',
      'node_sockstat_sockets_used',
      'node_uname_info',
      'node_filefd_allocated',
      'node_network_up',
      'node_os_info',
      'node_time_seconds',
    ]) {
      expect(namesOf(c), f).toContain(f);
    }
    for (const f of [
      'node_load1',
      'node_cpu_seconds_total',
      'node_disk_reads_completed_total',
      'node_filesystem_size_bytes',
      'node_pressure_io_waiting_seconds_total',
    ]) {
      expect(namesOf(c), f).not.toContain(f);
    }
    expectConsistentMetadata(c);
  });
});
