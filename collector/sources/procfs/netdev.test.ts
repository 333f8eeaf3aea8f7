import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, samplesOf, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import { emitNetdev } from './netdev.js';

function run(text: string, exclude?: RegExp) {
  const out = new CollectionBuilder();
  emitNetdev(text, 'net/dev', out, exclude);
  return out.build();
}

describe('emitNetdev', () => {
  it('exports all 16 counters of every interface, lo included by default as upstream does', () => {
    const c = run(procfsFixture('host/proc/net/dev'));
    //  eth0: 448200665   11214    0    0    0     0          0         0   814226    6703 …
    expect(valueOf(c, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(448200665);
    expect(valueOf(c, 'node_network_receive_packets_total', { device: 'eth0' })).toBe(11214);
    expect(valueOf(c, 'node_network_transmit_bytes_total', { device: 'eth0' })).toBe(814226);
    expect(valueOf(c, 'node_network_transmit_carrier_total', { device: 'eth0' })).toBe(0);
    expect(samplesOf(c, 'node_network_receive_bytes_total', { device: 'lo' })).toHaveLength(1);
    expect(samplesOf(c, 'node_network_transmit_colls_total')).toHaveLength(4);
    expect(c.metadata.find((m) => m.name === 'node_network_receive_drop_total')?.help).toBe(
      'Network device statistic receive_drop.',
    );
    expect(c.problems).toEqual([]);
  });

  it('applies the exclusion pattern', () => {
    const c = run(procfsFixture('host/proc/net/dev'), /^lo$/);
    expect(samplesOf(c, 'node_network_receive_bytes_total', { device: 'lo' })).toEqual([]);
  });

  it('reports interface lines without a colon or with bad counters', () => {
    const c = run(procfsFixture('broken/net-dev-garbage'));
    expect(valueOf(c, 'node_network_receive_bytes_total', { device: 'lo' })).toBe(63058);
    expect(problemLines(c)).toEqual([
      'net/dev:4: expected "<interface>: <16 counters>", got "  eth0 447547207 11157"',
      'net/dev:5: eth1: expected 16 numeric counters, column 16 is "NaN"',
    ]);
  });
});
