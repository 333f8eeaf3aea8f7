import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import type { CpuHistory } from './stat.js';
import { emitStat } from './stat.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/procfs');
const read = (rel: string): string => readFileSync(path.join(FIXTURES, rel), 'utf8');

function run(text: string, history: CpuHistory = new Map()) {
  const out = new CollectionBuilder();
  emitStat(text, 'stat', out, history);
  return out.build();
}

describe('emitStat', () => {
  it('turns USER_HZ ticks into seconds per cpu and mode', () => {
    const c = run(read('host/proc/stat'));
    // cpu0 13640 0 4466 34211 73 0 11 14 0 0
    expect(valueOf(c, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBeCloseTo(136.4, 9);
    expect(valueOf(c, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBeCloseTo(342.11, 9);
    expect(valueOf(c, 'node_cpu_seconds_total', { cpu: '1', mode: 'softirq' })).toBeCloseTo(0.88, 9);
    expect(valueOf(c, 'node_cpu_guest_seconds_total', { cpu: '1', mode: 'nice' })).toBe(0);
    // The aggregate "cpu" line is not exported; 2 CPUs × 8 modes.
    expect(samplesOf(c, 'node_cpu_seconds_total')).toHaveLength(16);
    expect(samplesOf(c, 'node_cpu_guest_seconds_total')).toHaveLength(4);
    expect(c.problems).toEqual([]);
  });

  it('exports the global counters', () => {
    const c = run(read('host/proc/stat'));
    expect(valueOf(c, 'node_boot_time_seconds')).toBe(1795789264);
    expect(valueOf(c, 'node_context_switches_total')).toBe(2053555);
    expect(valueOf(c, 'node_intr_total')).toBe(579964);
    expect(valueOf(c, 'node_forks_total')).toBe(25976);
    expect(valueOf(c, 'node_procs_running')).toBe(8);
    expect(valueOf(c, 'node_procs_blocked')).toBe(0);
    expect(c.metadata.find((m) => m.name === 'node_forks_total')).toEqual({
      name: 'node_forks_total',
      type: 'counter',
      help: 'Total number of forks.',
    });
  });

  it('reports a line cut short and the missing lines of a truncated file', () => {
    const c = run(read('broken/stat-truncated'));
    expect(samplesOf(c, 'node_cpu_seconds_total')).toHaveLength(0);
    expect(c.problems.map((p) => `${p.place}: ${p.message}`)).toEqual([
      'stat:2: cpu0: expected at least 8 numeric fields, got 4',
      'stat: no valid btime, ctxt, intr, processes, procs_running, procs_blocked line (file truncated?)',
    ]);
  });

  it('keeps the CPUs it could read when the file ends after them', () => {
    const c = run(read('broken/stat-truncated-after-cpus'));
    expect(samplesOf(c, 'node_cpu_seconds_total')).toHaveLength(16);
    expect(c.problems).toHaveLength(1);
  });

  it('says so when the file is not /proc/stat at all', () => {
    const c = run('hello world\n');
    expect(c.samples).toEqual([]);
    expect(c.problems.map((p) => p.message)).toEqual([
      'not a /proc/stat file: none of cpuN, btime, ctxt, intr, processes, procs_running, procs_blocked found',
    ]);
  });

  it('names the bad field of a garbled cpu line', () => {
    const c = run('cpu0 1 2 x 4 5 6 7 8 9 10\nctxt 5\n');
    expect(c.problems[0]).toMatchObject({
      place: 'stat:1',
      message: 'cpu0: expected at least 8 numeric fields, field 4 is "x"',
    });
    expect(valueOf(c, 'node_context_switches_total')).toBe(5);
  });

  it('never lets a counter go backwards, unless idle jumps back far enough to mean a CPU hot-plug', () => {
    const history: CpuHistory = new Map();
    run('cpu0 100 0 100 5000 300 0 0 0 0 0\n', history);
    // iowait stepped back by 1 tick, as tickless kernels do.
    const c2 = run('cpu0 110 0 100 5010 299 0 0 0 0 0\n', history);
    expect(valueOf(c2, 'node_cpu_seconds_total', { cpu: '0', mode: 'iowait' })).toBe(3);
    expect(valueOf(c2, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(1.1);
    // idle fell by 49 s: the CPU went offline and came back with fresh counters.
    const c3 = run('cpu0 1 0 1 100 1 0 0 0 0 0\n', history);
    expect(valueOf(c3, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBe(1);
    expect(valueOf(c3, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(0.01);
  });
});
