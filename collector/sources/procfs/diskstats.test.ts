import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import { emitDiskstats } from './diskstats.js';
import { DEFAULT_DISK_DEVICE_EXCLUDE } from './procfs-options.js';

function run(text: string, exclude: RegExp | undefined = DEFAULT_DISK_DEVICE_EXCLUDE) {
  const out = new CollectionBuilder();
  emitDiskstats(text, 'diskstats', out, exclude);
  return out.build();
}

describe('emitDiskstats', () => {
  it('scales sectors to bytes and milliseconds to seconds', () => {
    const c = run(procfsFixture('host/proc/diskstats'));
    // vda 38646 6985 1986634 11534 29769 37740 4676840 20104 0 6828 32950 11893 48 5549584 1151 3833 159
    const vda = { device: 'vda' };
    expect(valueOf(c, 'node_disk_reads_completed_total', vda)).toBe(38646);
    expect(valueOf(c, 'node_disk_read_bytes_total', vda)).toBe(1986634 * 512);
    expect(valueOf(c, 'node_disk_read_time_seconds_total', vda)).toBeCloseTo(11.534, 9);
    expect(valueOf(c, 'node_disk_written_bytes_total', vda)).toBe(4676840 * 512);
    expect(valueOf(c, 'node_disk_io_now', vda)).toBe(0);
    expect(valueOf(c, 'node_disk_io_time_weighted_seconds_total', vda)).toBeCloseTo(32.95, 9);
    // Discarded sectors stay sectors: node-exporter exports them unscaled.
    expect(valueOf(c, 'node_disk_discarded_sectors_total', vda)).toBe(5549584);
    expect(valueOf(c, 'node_disk_flush_requests_time_seconds_total', vda)).toBeCloseTo(0.159, 9);
    expect(c.problems).toEqual([]);
  });

  it('leaves out partitions, loop and RAM disks by default', () => {
    const c = run(procfsFixture('host/proc/diskstats'));
    const devices = new Set(samplesOf(c, 'node_disk_reads_completed_total').map((s) => s.labels.device));
    expect([...devices].sort()).toEqual(['nvme0n1', 'sda', 'vda']);
  });

  it('exports only the statistics an older kernel writes', () => {
    const c = run(procfsFixture('host/proc/diskstats'));
    // sda has the 11 pre-4.18 fields: no discard or flush series for it.
    expect(valueOf(c, 'node_disk_io_time_seconds_total', { device: 'sda' })).toBe(1.8);
    expect(samplesOf(c, 'node_disk_discards_completed_total', { device: 'sda' })).toEqual([]);
    expect(samplesOf(c, 'node_disk_flush_requests_total', { device: 'nvme0n1' })).toHaveLength(1);
  });

  it('reports short and garbled lines and keeps the others', () => {
    const c = run(procfsFixture('broken/diskstats-truncated'), /^$/);
    expect(valueOf(c, 'node_disk_reads_completed_total', { device: 'vda' })).toBe(30673);
    expect(valueOf(c, 'node_disk_reads_completed_total', { device: 'loop0' })).toBe(0);
    expect(problemLines(c)).toEqual([
      'diskstats:3: zram0: expected at least 11 numeric statistics, got 5',
      'diskstats:4: sdb: expected at least 11 numeric statistics, statistic 3 is "x"',
    ]);
  });
});
