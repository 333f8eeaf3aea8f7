import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import type { PressureResource } from './pressure.js';
import { emitPressure } from './pressure.js';

function run(resource: PressureResource, text: string) {
  const out = new CollectionBuilder();
  emitPressure(resource, text, `pressure/${resource}`, out);
  return out.build();
}

describe('emitPressure', () => {
  it('turns the microsecond totals into seconds: some → waiting, full → stalled', () => {
    const io = run('io', procfsFixture('host/proc/pressure/io'));
    expect(valueOf(io, 'node_pressure_io_waiting_seconds_total')).toBeCloseTo(159.886802, 9);
    expect(valueOf(io, 'node_pressure_io_stalled_seconds_total')).toBeCloseTo(159.229614, 9);
    const cpu = run('cpu', procfsFixture('host/proc/pressure/cpu'));
    expect(valueOf(cpu, 'node_pressure_cpu_waiting_seconds_total')).toBeCloseTo(14.036781, 9);
    // The system-wide cpu "full" line is not exported (node-exporter does not either).
    expect(cpu.samples).toHaveLength(1);
    expect(run('memory', procfsFixture('host/proc/pressure/memory')).samples).toHaveLength(2);
  });

  it('keeps the complete line of a truncated file and names the rest', () => {
    const c = run('io', procfsFixture('broken/pressure-io-truncated'));
    expect(valueOf(c, 'node_pressure_io_waiting_seconds_total')).toBe(2);
    expect(problemLines(c)).toEqual([
      'pressure/io:2: expected "some|full avg10=… avg60=… avg300=… total=<µs>", got "full avg10=0.00 avg60=0.00 avg3"',
      'pressure/io: no valid "full" line (file truncated?)',
    ]);
  });
});
