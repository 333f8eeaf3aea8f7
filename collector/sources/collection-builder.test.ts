import { describe, expect, it } from 'vitest';
import { CollectionBuilder, gauge, SeriesLabels } from './collection-builder.js';

const CPU = gauge('container_cpu_usage_seconds_total', 'cpu');
const IO = gauge('container_fs_reads_bytes_total', 'io');

describe('CollectionBuilder with SeriesLabels', () => {
  it('gives the same label object for the same base object, metric and extra label, collection after collection', () => {
    const series = new SeriesLabels();
    const base = { id: '/kubepods/pod1/c1', pod: 'api-0' };
    const collect = () => {
      const out = new CollectionBuilder('cgroup', series);
      out.add(CPU, base, 1, 'cpu', 'total');
      out.add(IO, base, 2, 'device', '/dev/sda');
      out.add(IO, base, 3, 'device', '/dev/sdb');
      return out.build().samples.map((s) => s.labels);
    };
    const first = collect();
    const second = collect();
    second.forEach((l, i) => expect(l).toBe(first[i]));
    expect(first).toEqual([
      { __name__: 'container_cpu_usage_seconds_total', id: '/kubepods/pod1/c1', pod: 'api-0', cpu: 'total' },
      { __name__: 'container_fs_reads_bytes_total', id: '/kubepods/pod1/c1', pod: 'api-0', device: '/dev/sda' },
      { __name__: 'container_fs_reads_bytes_total', id: '/kubepods/pod1/c1', pod: 'api-0', device: '/dev/sdb' },
    ]);
    // A new base object (the pod was renamed) gives new label objects, with its content.
    const out = new CollectionBuilder('cgroup', series);
    out.add(CPU, { ...base, pod: 'api-1' }, 1, 'cpu', 'total');
    const [renamed] = out.build().samples;
    expect(renamed?.labels).not.toBe(first[0]);
    expect(renamed?.labels.pod).toBe('api-1');
  });

  it('builds fresh label objects without SeriesLabels', () => {
    const base = { id: '/c' };
    const a = new CollectionBuilder('x');
    const b = new CollectionBuilder('x');
    a.add(CPU, base, 1);
    b.add(CPU, base, 1);
    expect(a.build().samples[0]?.labels).toEqual(b.build().samples[0]?.labels);
    expect(a.build().samples[0]?.labels).not.toBe(b.build().samples[0]?.labels);
  });
});
