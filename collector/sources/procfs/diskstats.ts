/**
 * /proc/diskstats → node_disk_* (node-exporter's `diskstats` collector).
 * Sectors are the kernel's fixed 512-byte units whatever the device's block
 * size, and times are milliseconds (Documentation/admin-guide/iostats.rst).
 */
import type { MetricMeta } from '../source.js';
import type { CollectionBuilder } from './collection-builder.js';
import { counter, gauge } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

const SECTOR_BYTES = 512;
const MS = 1 / 1000;

/** In kernel field order; `scale` turns the raw field into the metric's unit. */
const FIELDS: readonly { readonly meta: MetricMeta; readonly scale: number }[] = [
  { meta: counter('node_disk_reads_completed_total', 'The total number of reads completed successfully.'), scale: 1 },
  { meta: counter('node_disk_reads_merged_total', 'The total number of reads merged.'), scale: 1 },
  { meta: counter('node_disk_read_bytes_total', 'The total number of bytes read successfully.'), scale: SECTOR_BYTES },
  { meta: counter('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.'), scale: MS },
  { meta: counter('node_disk_writes_completed_total', 'The total number of writes completed successfully.'), scale: 1 },
  { meta: counter('node_disk_writes_merged_total', 'The number of writes merged.'), scale: 1 },
  {
    meta: counter('node_disk_written_bytes_total', 'The total number of bytes written successfully.'),
    scale: SECTOR_BYTES,
  },
  {
    meta: counter('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.'),
    scale: MS,
  },
  { meta: gauge('node_disk_io_now', 'The number of I/Os currently in progress.'), scale: 1 },
  { meta: counter('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.'), scale: MS },
  {
    meta: counter('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.'),
    scale: MS,
  },
  // Linux 4.18+
  {
    meta: counter('node_disk_discards_completed_total', 'The total number of discards completed successfully.'),
    scale: 1,
  },
  { meta: counter('node_disk_discards_merged_total', 'The total number of discards merged.'), scale: 1 },
  {
    meta: counter('node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.'),
    scale: 1,
  },
  {
    meta: counter('node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.'),
    scale: MS,
  },
  // Linux 5.5+
  {
    meta: counter('node_disk_flush_requests_total', 'The total number of flush requests completed successfully'),
    scale: 1,
  },
  {
    meta: counter(
      'node_disk_flush_requests_time_seconds_total',
      'This is the total number of seconds spent by all flush requests.',
    ),
    scale: MS,
  },
];
/** Kernels before 4.18 write 11 statistics per device. */
const MIN_FIELDS = 11;

export function emitDiskstats(text: string, file: string, out: CollectionBuilder, exclude: RegExp | undefined): void {
  for (const { no, text: line } of numberedLines(text)) {
    const [major, minor, device, ...rest] = fields(line);
    const place = `${file}:${no}`;
    if (parseNumber(major) === undefined || parseNumber(minor) === undefined || device === undefined) {
      out.problem(place, `expected "<major> <minor> <device> <stats…>", got ${quote(line)}`);
      continue;
    }
    if (exclude?.test(device)) continue;
    const values = rest.slice(0, FIELDS.length).map(parseNumber);
    const bad = values.findIndex((v) => v === undefined);
    if (bad !== -1 || values.length < MIN_FIELDS) {
      const why = bad !== -1 ? `statistic ${bad + 1} is ${quote(rest[bad] ?? '')}` : `got ${values.length}`;
      out.problem(place, `${device}: expected at least ${MIN_FIELDS} numeric statistics, ${why}`);
      continue;
    }
    values.forEach((v, i) => {
      const f = FIELDS[i];
      if (f) out.add(f.meta, { device }, (v as number) * f.scale);
    });
  }
}
