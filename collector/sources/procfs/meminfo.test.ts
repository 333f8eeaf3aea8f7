import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import { emitMeminfo, meminfoMetricName } from './meminfo.js';

function run(text: string) {
  const out = new CollectionBuilder();
  emitMeminfo(text, 'meminfo', out);
  return out.build();
}

describe('emitMeminfo', () => {
  it('mangles names as node-exporter does', () => {
    expect(meminfoMetricName('MemTotal', true)).toBe('node_memory_MemTotal_bytes');
    expect(meminfoMetricName('Active(anon)', true)).toBe('node_memory_Active_anon_bytes');
    expect(meminfoMetricName('HugePages_Total', false)).toBe('node_memory_HugePages_Total');
  });

  it('turns kB into bytes and leaves unit-less counts alone', () => {
    const c = run(procfsFixture('host/proc/meminfo'));
    expect(valueOf(c, 'node_memory_MemTotal_bytes')).toBe(24684084 * 1024);
    expect(valueOf(c, 'node_memory_Active_anon_bytes')).toBe(1620 * 1024);
    expect(valueOf(c, 'node_memory_Hugepagesize_bytes')).toBe(2048 * 1024);
    expect(valueOf(c, 'node_memory_HugePages_Total')).toBe(0);
    expect(c.metadata.find((m) => m.name === 'node_memory_Active_anon_bytes')).toEqual({
      name: 'node_memory_Active_anon_bytes',
      type: 'gauge',
      help: 'Memory information field Active_anon_bytes.',
    });
    expect(c.problems).toEqual([]);
  });

  it('skips garbage lines, names them, and keeps the good ones', () => {
    const c = run(procfsFixture('broken/meminfo-garbage'));
    expect(valueOf(c, 'node_memory_MemTotal_bytes')).toBe(24684084 * 1024);
    expect(valueOf(c, 'node_memory_Active_anon_bytes')).toBe(1576 * 1024);
    expect(samplesOf(c, 'node_memory_MemFree_bytes')).toEqual([]);
    expect(problemLines(c)).toEqual([
      'meminfo:2: expected "Name: <number> [kB]", got "MemFree:        garbage kB"',
      'meminfo:3: expected "Name: <number> [kB]", got "\\u0001\\u0002\\u0003binary"',
    ]);
  });

  it('reports an empty file', () => {
    expect(problemLines(run(''))).toEqual(['meminfo: no meminfo lines found']);
  });
});
