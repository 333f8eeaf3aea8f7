/**
 * Acceptance test of the procfs source: the real node-exporter and our source
 * read this machine at the same moment, and every node_* family we export must
 * carry the same names, label sets, HELP and TYPE, and values within what can
 * change between the reads. The order is node-exporter (A), ours (B),
 * node-exporter (C): a counter we read must lie between A and C.
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
import { parseExposition } from '../collector/sources/scrape/index.js';
import type { Collection, MetricMeta, SourceSample } from '../collector/sources/source.js';
import type { NodeExporter } from './support/node-exporter-process.js';
import { nodeExporterVersion, startNodeExporter } from './support/node-exporter-process.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const DOC = path.join(REPO_ROOT, 'docs/node-exporter-comparison.md');
const MIB = 1024 * 1024;

// Only the collectors whose families we implement. netlink is switched off so that
// node_network_* come from /proc/net/dev as ours do, and the exclusion patterns are
// set to upstream's defaults, which ours follow (Debian patches them, see FLAG_NOTES).
const FLAGS = [
  '--collector.disable-defaults',
  ...[
    'cpu',
    'meminfo',
    'loadavg',
    'stat',
    'diskstats',
    'netdev',
    'netclass',
    'filesystem',
    'pressure',
    'vmstat',
    'uname',
    'os',
    'filefd',
    'sockstat',
    'netstat',
    'time',
  ].map((c) => `--collector.${c}`),
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

type Check = { readonly kind: 'exact' } | { readonly kind: 'between'; readonly abs: number; readonly rel?: number };
interface Rule {
  readonly match: RegExp;
  readonly check: Check;
  readonly why: string;
}
const exact: Check = { kind: 'exact' };
const between = (abs: number, rel = 0): Check => ({ kind: 'between', abs, rel });

/** First match wins. `between(x)`: min(A,C) − x ≤ B ≤ max(A,C) + x. */
const RULES: readonly Rule[] = [
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

/** Families we produce that node-exporter does not, or labels we write differently. None today. */
const INTENTIONAL: readonly { readonly match: RegExp; readonly why: string }[] = [];

interface Side {
  readonly byFamily: Map<string, SourceSample[]>;
  readonly meta: Map<string, MetricMeta>;
}

function index(samples: readonly SourceSample[], metadata: readonly MetricMeta[]): Side {
  const byFamily = new Map<string, SourceSample[]>();
  for (const s of samples) {
    const name = s.labels.__name__ ?? '';
    byFamily.set(name, [...(byFamily.get(name) ?? []), s]);
  }
  return { byFamily, meta: new Map(metadata.map((m) => [m.name, m])) };
}

const signature = (s: SourceSample): string =>
  JSON.stringify(
    Object.entries(s.labels)
      .filter(([k]) => k !== '__name__')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

function scrapeSide(body: string, contentType: string | undefined): Side {
  const r = parseExposition(body, contentType);
  if (!r.ok) throw new Error(`node-exporter output did not parse: ${r.error.message}`);
  return index(r.value.samples, r.value.metadata);
}

interface FamilyResult {
  readonly family: string;
  readonly series: number;
  readonly rule: Rule;
  readonly failures: string[];
}

function compareFamily(family: string, a: Side, b: Side, c: Side): FamilyResult {
  const rule = RULES.find((r) => r.match.test(family)) as Rule;
  const failures: string[] = [];
  const ours = b.byFamily.get(family) ?? [];
  const first = new Map((a.byFamily.get(family) ?? []).map((s) => [signature(s), s.value]));
  const last = new Map((c.byFamily.get(family) ?? []).map((s) => [signature(s), s.value]));
  if (first.size === 0 && last.size === 0) {
    return {
      family,
      series: ours.length,
      rule,
      failures: [`${family}: node-exporter has no such family`],
    };
  }
  const ourSigs = new Set(ours.map(signature));
  for (const sig of first.keys()) {
    if (last.has(sig) && !ourSigs.has(sig)) failures.push(`${family}${sig}: node-exporter has it, we do not`);
  }
  for (const s of ours) {
    const sig = signature(s);
    const va = first.get(sig);
    const vc = last.get(sig);
    if (va === undefined && vc === undefined) {
      failures.push(`${family}${sig}: we have it, node-exporter does not`);
      continue;
    }
    const lo = Math.min(va ?? Infinity, vc ?? Infinity);
    const hi = Math.max(va ?? -Infinity, vc ?? -Infinity);
    const check = rule.check;
    // 1e-12 relative: node-exporter divides in a different order (e.g. µs / 1000 / 1000).
    const tol = check.kind === 'exact' ? 0 : check.abs + (check.rel ?? 0) * Math.max(Math.abs(lo), Math.abs(hi));
    const eps = 1e-12 * Math.max(1, Math.abs(hi));
    const okValue =
      check.kind === 'exact'
        ? s.value === va || s.value === vc || Math.abs(s.value - lo) <= eps
        : s.value >= lo - tol - eps && s.value <= hi + tol + eps;
    if (!okValue)
      failures.push(
        `${family}${sig}: ours ${s.value}, node-exporter ${va} then ${vc} (${check.kind}${check.kind === 'between' ? ` ±${tol}` : ''})`,
      );
  }
  const theirMeta = a.meta.get(family);
  const ourMeta = b.meta.get(family);
  if (theirMeta && (theirMeta.help !== ourMeta?.help || theirMeta.type !== ourMeta.type)) {
    failures.push(
      `${family}: HELP/TYPE ${JSON.stringify([ourMeta?.help, ourMeta?.type])}, node-exporter ${JSON.stringify([theirMeta.help, theirMeta.type])}`,
    );
  }
  return { family, series: ours.length, rule, failures };
}

function report(
  version: string,
  results: readonly FamilyResult[],
  missing: readonly string[],
  unexplained: readonly string[],
  problems: Collection['problems'],
): string {
  const failures = results.flatMap((r) => r.failures);
  const lines = [
    '# procfs source vs. node-exporter',
    '',
    'Generated by `test/node-exporter.test.ts` (run it to refresh). It starts the real node-exporter,',
    'reads it (A), collects our procfs source (B), reads node-exporter again (C), and compares every',
    'family we export: metric names, label sets (names and values), HELP and TYPE, and values.',
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
    '## Summary',
    '',
    `- families compared: ${results.length}`,
    `- series compared: ${results.reduce((n, r) => n + r.series, 0)}`,
    `- differences outside tolerance: ${failures.length}`,
    `- problems reported by our source: ${problems.length}`,
    '',
    '| family | series | check | result |',
    '| --- | ---: | --- | --- |',
    ...results.map((r) => {
      const check =
        r.rule.check.kind === 'exact'
          ? 'exact'
          : `between ±${r.rule.check.abs}${r.rule.check.rel ? ` +${r.rule.check.rel * 100}%` : ''}`;
      return `| \`${r.family}\` | ${r.series} | ${check} (${r.rule.why}) | ${r.failures.length === 0 ? 'same' : 'DIFFERENT'} |`;
    }),
    '',
    '## Differences',
    '',
    ...(failures.length === 0 && unexplained.length === 0
      ? ['None.']
      : [...failures, ...unexplained].map((f) => `- ${f}`)),
    '',
    '## node-exporter families not produced (on purpose)',
    '',
    ...NOT_IMPLEMENTED.map((n) => `- \`${n.match.source}\`: ${n.why}`),
    '',
    `node_* families of these seen on this machine: ${missing.length === 0 ? 'none' : missing.map((m) => `\`${m}\``).join(', ')}.`,
    '',
    '## Intentional differences',
    '',
    ...(INTENTIONAL.length === 0
      ? ['None: every family we export matches node-exporter.']
      : INTENTIONAL.map((i) => `- \`${i.match.source}\`: ${i.why}`)),
    '',
  ];
  return lines.join('\n');
}

describe('procfs source against the real node-exporter', () => {
  let exporter: NodeExporter;
  beforeAll(async () => {
    exporter = await startNodeExporter(FLAGS);
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it('exports the same families, label sets, metadata and values', async () => {
    const source = createProcfsSource();
    await source.collect(); // warm up the page-size detection and the CPU history, as a running collector would have
    const first = await exporter.scrape();
    const ours = await source.collect();
    const last = await exporter.scrape();
    const a = scrapeSide(first.body, first.contentType);
    const b = index(ours.samples, ours.metadata);
    const c = scrapeSide(last.body, last.contentType);

    const families = [...b.byFamily.keys()].sort();
    const results = families
      .filter((f) => !INTENTIONAL.some((i) => i.match.test(f)))
      .map((f) => compareFamily(f, a, b, c));
    const theirs = [...new Set([...a.byFamily.keys(), ...c.byFamily.keys()])].sort();
    const notOurs = theirs.filter((f) => !b.byFamily.has(f));
    const missing = notOurs.filter((f) => NOT_IMPLEMENTED.some((n) => n.match.test(f)));
    const missingNode = missing.filter(
      (f) => f.startsWith('node_') && !/^node_(scrape_collector_|exporter_build_info)/.test(f),
    );
    const unexplained = notOurs
      .filter((f) => !missing.includes(f))
      .map((f) => `${f}: node-exporter has this family, we do not (and it is not listed as not implemented)`);

    const doc = report(nodeExporterVersion(), results, missingNode, unexplained, ours.problems);
    writeFileSync(DOC, doc);
    console.log(doc);

    // The families the brief names must all be there, so that a source that produced nothing could not pass.
    for (const must of [
      'node_cpu_seconds_total',
      'node_memory_MemTotal_bytes',
      'node_load1',
      'node_disk_reads_completed_total',
      'node_network_receive_bytes_total',
      'node_filesystem_size_bytes',
      'node_vmstat_pgfault',
      'node_uname_info',
      'node_filefd_allocated',
      'node_sockstat_sockets_used',
      'node_netstat_Tcp_InSegs',
      'node_boot_time_seconds',
    ]) {
      expect(families, must).toContain(must);
    }
    expect(ours.problems).toEqual([]);
    expect([...results.flatMap((r) => r.failures), ...unexplained]).toEqual([]);
  });
});
