/**
 * Acceptance test of the procfs source against the real node-exporter, twice:
 *
 * 1. This machine: node-exporter is read (A), our source collects (B), node-exporter
 *    is read again (C). Every family we export must carry the same names, label
 *    sets, HELP and TYPE, and values within what can change between the reads: a
 *    counter must lie between A and C.
 * 2. The recorded host under test/fixtures/procfs/host: both read the same frozen
 *    files (node-exporter through --path.procfs/sysfs/rootfs), so values must be equal.
 *
 * The summary is printed and written to docs/node-exporter-comparison.md.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcfsSource,
  DEFAULT_DISK_DEVICE_EXCLUDE,
  DEFAULT_FS_TYPES_EXCLUDE,
  DEFAULT_MOUNT_POINTS_EXCLUDE,
} from '../collector/sources/procfs/index.js';
import type { Collection, Source } from '../collector/sources/source.js';
import type { FamilyResult, Rule, Side, Tolerate } from './support/exposition-compare.js';
import {
  between,
  compareFamily,
  describeCheck,
  exact,
  indexSide,
  scrapeSide,
  signature,
} from './support/exposition-compare.js';
import type { NodeExporter } from './support/node-exporter-process.js';
import { nodeExporterVersion, startNodeExporter } from './support/node-exporter-process.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const DOC = path.join(REPO_ROOT, 'docs/node-exporter-comparison.md');
const RECORDED_HOST = path.join(REPO_ROOT, 'test/fixtures/procfs/host');
const MIB = 1024 * 1024;

const COLLECTORS = ['cpu', 'meminfo', 'loadavg', 'stat', 'diskstats', 'netdev', 'netclass', 'filesystem']
  .concat(['pressure', 'vmstat', 'uname', 'os', 'filefd', 'sockstat', 'netstat', 'time'])
  .map((c) => `--collector.${c}`);
// Only the collectors whose families we implement. netlink is switched off so that
// node_network_* come from /proc/net/dev as ours do, and the exclusion patterns are
// set to upstream's defaults, which ours follow (Debian patches them, see FLAG_NOTES).
const FLAGS = [
  '--collector.disable-defaults',
  ...COLLECTORS,
  '--no-collector.netdev.netlink',
  `--collector.diskstats.device-exclude=${DEFAULT_DISK_DEVICE_EXCLUDE.source}`,
  `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE.source}`,
  `--collector.filesystem.fs-types-exclude=${DEFAULT_FS_TYPES_EXCLUDE.source}`,
  '--collector.netdev.device-exclude=',
];
const FLAG_NOTES = [
  "Debian's build excludes `lo` from netdev (`^lo$`) and `/run`, `/mnt`, `/media` from the filesystem collector; upstream node-exporter excludes neither, and neither do we, so the flags above restore upstream's defaults.",
  "Newer upstream releases also exclude `zram` devices from diskstats (`^(z?ram|…)`); 1.5.0's default does not, so our pattern is passed explicitly.",
  '`--no-collector.netdev.netlink`: 1.5.0 reads interface counters over netlink by default, which adds `receive_nohandler` and splits error counters differently; with it off it reads /proc/net/dev, as we do.',
];

/** First match wins. `between(x)`: min(A,C) − x ≤ B ≤ max(A,C) + x. */
const LIVE_RULES: readonly Rule[] = [
  {
    match: /^node_(uname_info|os_info|os_version|network_up|network_info|boot_time_seconds)$/,
    check: exact,
    why: 'fixed while the machine runs',
  },
  { match: /^node_filesystem_(size_bytes|files|readonly|device_error)$/, check: exact, why: 'fixed while mounted' },
  {
    match: /^node_filesystem_(free|avail)_bytes$/,
    check: between(256 * MIB),
    why: 'other tests write to the same disk meanwhile',
  },
  { match: /^node_filesystem_files_free$/, check: between(20_000), why: 'other tests create files meanwhile' },
  {
    match: /^node_memory_(MemTotal|SwapTotal|HugePages_Total|Hugepagesize|VmallocTotal)(_bytes)?$/,
    check: exact,
    why: 'fixed at boot',
  },
  {
    match: /^node_memory_Committed_AS_bytes$/,
    check: between(1024 * MIB, 0.5),
    why: 'address space committed by every process: one browser start moves it by gigabytes',
  },
  { match: /^node_memory_/, check: between(256 * MIB, 0.1), why: 'memory use moves while other tests run' },
  { match: /^node_load(1|5|15)$/, check: between(0.5), why: 'load averages are recomputed every 5 s' },
  { match: /^node_procs_(running|blocked)$/, check: between(10), why: 'instantaneous task counts' },
  { match: /^node_disk_io_now$/, check: between(32), why: 'instantaneous I/O queue' },
  { match: /^node_filefd_allocated$/, check: between(2000), why: 'open files of every process on the machine' },
  { match: /^node_sockstat_.*_mem_bytes$/, check: between(4 * MIB), why: 'socket buffer pages move with traffic' },
  { match: /^node_sockstat_/, check: between(256), why: 'instantaneous socket counts' },
  { match: /^node_netstat_Tcp_CurrEstab$/, check: between(64), why: 'instantaneous connection count' },
  { match: /^node_time_seconds$/, check: between(1), why: 'wall clock at each read' },
  {
    match: /^node_cpu_(guest_)?seconds_total$/,
    check: between(0.05),
    why: 'idle and iowait may step back a tick; each side clamps to its own earlier reads',
  },
  { match: /./, check: between(0), why: 'counter (or constant) read between the two node-exporter reads' },
];

/** On frozen files only the clock and statfs (of the real disk the fixture lives on) move. */
const RECORDED_RULES: readonly Rule[] = [
  { match: /^node_time_seconds$/, check: between(1), why: 'wall clock at each read' },
  { match: /^node_filesystem_(free|avail)_bytes$/, check: between(256 * MIB), why: 'statfs of the real disk' },
  { match: /^node_filesystem_files_free$/, check: between(20_000), why: 'statfs of the real disk' },
  { match: /./, check: exact, why: 'same recorded file' },
];

/** node-exporter families we deliberately do not produce. */
const NOT_IMPLEMENTED: readonly { readonly match: RegExp; readonly why: string }[] = [
  { match: /^node_time_(zone_offset_seconds|clocksource_.*)$/, why: 'time collector extras, not used by node-mixin' },
  {
    match:
      /^node_network_(address_assign_type|carrier.*|device_id|dormant|flags|iface_.*|mtu_bytes|name_assign_type|net_dev_group|protocol_type|speed_bytes|transmit_queue_length)$/,
    why: 'netclass device properties; of netclass only node_network_up and node_network_info are exported',
  },
  {
    match: /^node_disk_(info|filesystem_info|device_mapper_info|ata_.*)$/,
    why: 'udev-derived disk properties (needs /run/udev/data)',
  },
  {
    match: /^node_cpu_(info|core_throttles_total|package_throttles_total|.*frequency.*)$/,
    why: 'cpu info and thermal/cpufreq attributes from /sys',
  },
  {
    match: /^(node_scrape_collector_.*|node_exporter_build_info|go_.*|process_.*|promhttp_.*)$/,
    why: "node-exporter's own instrumentation",
  },
];

interface Exception {
  readonly match: RegExp;
  readonly why: string;
}
/** Families left out of a comparison on purpose. */
const LIVE_EXCEPTIONS: readonly Exception[] = [];
const RECORDED_EXCEPTIONS: readonly Exception[] = [
  {
    match: /^node_uname_info$/,
    why: "node-exporter asks uname(2) of the machine it runs on, we read <procPath>/sys/kernel, i.e. the recording's; on a live host both are the same kernel (compared in the first section)",
  },
];

/**
 * Series we export on purpose although node-exporter 1.5.0 does not. Newer node-exporter
 * releases take readonly from the mount options before calling statfs and export it even
 * when statfs fails; 1.5.0 skips it for such mounts. We follow the newer behaviour: whether
 * a broken mount is read-only is known without statfs, and alerts can use it.
 */
const TOLERATE: Tolerate = (family: string, sig: string, reference: Side) => {
  if (family !== 'node_filesystem_readonly') return undefined;
  const failed = reference.byFamily
    .get('node_filesystem_device_error')
    ?.some((s) => s.value === 1 && signature(s) === sig);
  return failed === true
    ? 'node-exporter 1.5.0 exports no readonly for a mount it cannot statfs; newer releases and we do (from the mount options)'
    : undefined;
};

interface Comparison {
  readonly title: string;
  readonly intro: string;
  readonly rules: readonly Rule[];
  readonly exceptions: readonly Exception[];
  readonly results: readonly FamilyResult[];
  readonly notProduced: readonly string[];
  readonly unexplained: readonly string[];
  readonly problems: Collection['problems'];
}

/** A (node-exporter), B (ours), C (node-exporter), then every family compared. */
async function compare(
  exporter: NodeExporter,
  source: Source,
  spec: Pick<Comparison, 'title' | 'intro' | 'rules' | 'exceptions'>,
): Promise<Comparison> {
  const first = await exporter.scrape();
  const ours = await source.collect();
  const last = await exporter.scrape();
  const a = scrapeSide(first.body, first.contentType);
  const b = indexSide(ours.samples, ours.metadata);
  const c = scrapeSide(last.body, last.contentType);

  const excepted = (f: string): boolean => spec.exceptions.some((e) => e.match.test(f));
  const results = [...b.byFamily.keys()]
    .sort()
    .filter((f) => !excepted(f))
    .map((f) => compareFamily(f, spec.rules, a, b, c, TOLERATE));
  const notOurs = [...new Set([...a.byFamily.keys(), ...c.byFamily.keys()])]
    .sort()
    .filter((f) => !b.byFamily.has(f) && !excepted(f));
  const listed = notOurs.filter((f) => NOT_IMPLEMENTED.some((n) => n.match.test(f)));
  return {
    ...spec,
    results,
    notProduced: listed.filter(
      (f) => f.startsWith('node_') && !/^node_(scrape_collector_|exporter_build_info)/.test(f),
    ),
    unexplained: notOurs
      .filter((f) => !listed.includes(f))
      .map((f) => `${f}: node-exporter has this family, we do not (and it is not listed as not implemented)`),
    problems: ours.problems,
  };
}

function section(c: Comparison): string[] {
  const failures = [...c.results.flatMap((r) => r.failures), ...c.unexplained];
  const tolerated = c.results.flatMap((r) => r.tolerated);
  return [
    `## ${c.title}`,
    '',
    c.intro,
    '',
    `- families compared: ${c.results.length}`,
    `- series compared: ${c.results.reduce((n, r) => n + r.series, 0)}`,
    `- differences outside tolerance: ${failures.length}`,
    `- problems reported by our source: ${c.problems.length}${
      c.problems.length
        ? ` (${c.problems
            .map((p) => `${p.place}: ${p.message}`.replaceAll(`${REPO_ROOT}/`, ''))
            .sort()
            .join('; ')})`
        : ''
    }`,
    `- node-exporter families seen here that we do not produce (listed below): ${c.notProduced.length === 0 ? 'none' : c.notProduced.map((m) => `\`${m}\``).join(', ')}`,
    `- left out of this comparison on purpose: ${c.exceptions.length === 0 ? 'nothing' : c.exceptions.map((e) => `\`${e.match.source}\` (${e.why})`).join('; ')}`,
    '',
    ...(failures.length === 0 ? ['Differences: none.'] : ['Differences:', '', ...failures.map((f) => `- ${f}`)]),
    '',
    ...(tolerated.length === 0
      ? ['Intentional differences seen: none.']
      : ['Intentional differences seen (listed in the test, not failures):', '', ...tolerated.map((f) => `- ${f}`)]),
    '',
    '| family | series | check | result |',
    '| --- | ---: | --- | --- |',
    ...c.results.map(
      (r) =>
        `| \`${r.family}\` | ${r.series} | ${describeCheck(r.rule.check)} (${r.rule.why}) | ${r.failures.length === 0 ? 'same' : 'DIFFERENT'} |`,
    ),
    '',
  ];
}

function report(version: string, comparisons: readonly Comparison[]): string {
  return [
    '# procfs source vs. node-exporter',
    '',
    'Generated by `test/node-exporter.test.ts` (run it to refresh). Every family our procfs source',
    'exports is compared with the real node-exporter: metric names, label sets (names and values),',
    'HELP and TYPE, and values.',
    '',
    `Reference: \`${version}\` (Debian package prometheus-node-exporter).`,
    '',
    '## Flags given to node-exporter',
    '',
    '```',
    ...FLAGS,
    '```',
    '',
    ...FLAG_NOTES.map((n) => `- ${n}`),
    '',
    '## node-exporter families we do not produce (on purpose)',
    '',
    ...NOT_IMPLEMENTED.map((n) => `- \`${n.match.source}\`: ${n.why}`),
    '',
    ...comparisons.flatMap(section),
  ].join('\n');
}

/** The families the brief names: a source that produced nothing must not pass. */
const REQUIRED = [
  'node_cpu_seconds_total',
  'node_memory_MemTotal_bytes',
  'node_load1',
  'node_disk_reads_completed_total',
  'node_network_receive_bytes_total',
  'node_filesystem_size_bytes',
  'node_vmstat_pgfault',
  'node_filefd_allocated',
  'node_sockstat_sockets_used',
  'node_netstat_Tcp_InSegs',
  'node_boot_time_seconds',
  'node_pressure_io_waiting_seconds_total',
];

describe('procfs source against the real node-exporter', () => {
  const done: Comparison[] = [];
  afterAll(() => {
    const doc = report(nodeExporterVersion(), done);
    writeFileSync(DOC, doc);
    console.log(doc);
  });

  describe('on this machine', () => {
    let exporter: NodeExporter;
    beforeAll(async () => {
      exporter = await startNodeExporter(FLAGS);
    });
    afterAll(async () => {
      await exporter?.stop();
    });

    it('exports the same families, label sets, metadata and values', async () => {
      const source = createProcfsSource();
      await source.collect(); // warm up page-size detection and CPU history, as a running collector has them
      const c = await compare(exporter, source, {
        title: 'This machine',
        intro:
          'node-exporter is read (A), our source collects (B), node-exporter is read again (C); a value must lie in [A, C] widened by the tolerance shown.',
        rules: LIVE_RULES,
        exceptions: LIVE_EXCEPTIONS,
      });
      done.push(c);
      const names = c.results.map((r) => r.family);
      for (const must of REQUIRED.filter((f) => f !== 'node_pressure_io_waiting_seconds_total'))
        expect(names).toContain(must);
      expect(c.problems).toEqual([]);
      expect([...c.results.flatMap((r) => r.failures), ...c.unexplained]).toEqual([]);
    });
  });

  describe('on the recorded host', () => {
    let exporter: NodeExporter;
    const paths = {
      procPath: path.join(RECORDED_HOST, 'proc'),
      sysPath: path.join(RECORDED_HOST, 'sys'),
      rootfsPath: path.join(RECORDED_HOST, 'root'),
    };
    beforeAll(async () => {
      exporter = await startNodeExporter([
        ...FLAGS,
        `--path.procfs=${paths.procPath}`,
        `--path.sysfs=${paths.sysPath}`,
        `--path.rootfs=${paths.rootfsPath}`,
      ]);
    });
    afterAll(async () => {
      await exporter?.stop();
    });

    it('reads the same files to the same values', async () => {
      const c = await compare(exporter, createProcfsSource(paths), {
        title: 'Recorded host (test/fixtures/procfs/host)',
        intro:
          'Both read the same recorded /proc, /sys and root (node-exporter through `--path.procfs`, `--path.sysfs`, `--path.rootfs`), so values must be equal. The recorded mounts /srv/My Data, /tmp and /mnt/nfs do not exist under the recorded root: both report them with `node_filesystem_device_error 1`.',
        rules: RECORDED_RULES,
        exceptions: RECORDED_EXCEPTIONS,
      });
      done.push(c);
      const names = c.results.map((r) => r.family);
      for (const must of REQUIRED) expect(names).toContain(must);
      expect(
        c.problems
          .map((p) => `${p.place.replace(RECORDED_HOST, '<host>')}: ${p.message.replace(RECORDED_HOST, '<host>')}`)
          .sort(),
      ).toEqual([
        '<host>/proc/1/mounts: /mnt/nfs: statfs(<host>/root/mnt/nfs): ENOENT: no such file or directory',
        '<host>/proc/1/mounts: /srv/My Data: statfs(<host>/root/srv/My Data): ENOENT: no such file or directory',
        '<host>/proc/1/mounts: /tmp: statfs(<host>/root/tmp): ENOENT: no such file or directory',
      ]);
      expect([...c.results.flatMap((r) => r.failures), ...c.unexplained]).toEqual([]);
    });
  });
});
