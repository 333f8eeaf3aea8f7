import { describe, expect, it } from 'vitest';
import { namesOf, problemLines, procfsFixture, valueOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import { DEFAULT_NETSTAT_FIELDS, emitNetstatPairs, emitSnmp6 } from './netstat.js';
import { emitSockstat } from './sockstat.js';

function pairs(text: string, include = DEFAULT_NETSTAT_FIELDS) {
  const out = new CollectionBuilder();
  emitNetstatPairs(text, 'net/snmp', out, include);
  return out.build();
}

describe('netstat', () => {
  it('pairs header and value lines of /proc/net/snmp and keeps the default fields', () => {
    const c = pairs(procfsFixture('host/proc/net/snmp'));
    // Tcp: 1 200 120000 -1 141 49 16 1 0 11805 7320 1 0 151 0
    expect(valueOf(c, 'node_netstat_Tcp_ActiveOpens')).toBe(141);
    expect(valueOf(c, 'node_netstat_Tcp_InSegs')).toBe(11805);
    expect(valueOf(c, 'node_netstat_Tcp_OutRsts')).toBe(151);
    expect(namesOf(c).has('node_netstat_Tcp_MaxConn')).toBe(false);
    expect(c.metadata.find((m) => m.name === 'node_netstat_Tcp_InSegs')).toEqual({
      name: 'node_netstat_Tcp_InSegs',
      type: 'unknown',
      help: 'Statistic TcpInSegs.',
    });
    expect(c.problems).toEqual([]);
  });

  it('keeps negative values (MaxConn is -1) when asked for every field', () => {
    expect(valueOf(pairs(procfsFixture('host/proc/net/snmp'), /.*/), 'node_netstat_Tcp_MaxConn')).toBe(-1);
  });

  it('splits snmp6 names at the first "6"', () => {
    const out = new CollectionBuilder();
    emitSnmp6(procfsFixture('host/proc/net/snmp6'), 'net/snmp6', out, DEFAULT_NETSTAT_FIELDS);
    const c = out.build();
    expect(valueOf(c, 'node_netstat_Ip6_InOctets')).toBe(128);
    expect(valueOf(c, 'node_netstat_Icmp6_InMsgs')).toBe(1);
    expect(valueOf(c, 'node_netstat_Udp6_InDatagrams')).toBe(0);
    expect(valueOf(c, 'node_netstat_UdpLite6_InErrors')).toBe(0);
  });

  it('reports a header without values (truncated file) and keeps the pairs before it', () => {
    const c = pairs(procfsFixture('broken/netstat-truncated'));
    expect(namesOf(c).has('node_netstat_TcpExt_ListenDrops')).toBe(true);
    expect(problemLines(c)).toEqual(['net/snmp:3: header "IpExt:" has no line of values after it (file truncated?)']);
  });

  it('stops at a values line that does not belong to its header', () => {
    const c = pairs('Tcp: A B\nUdp: 1 2\nIp: C\nIp: 3\n', /.*/);
    expect(c.samples).toEqual([]);
    expect(problemLines(c)).toEqual(['net/snmp:2: expected the values of "Tcp:" (2 fields), got "Udp: 1 2"']);
  });
});

describe('sockstat', () => {
  it('exports every protocol/state pair and the memory in bytes', () => {
    const out = new CollectionBuilder();
    emitSockstat(procfsFixture('host/proc/net/sockstat'), 'net/sockstat', out, 4096);
    emitSockstat(procfsFixture('host/proc/net/sockstat6'), 'net/sockstat6', out, 4096);
    const c = out.build();
    // sockets: used 17 / TCP: inuse 1 orphan 0 tw 22 alloc 1 mem 167
    expect(valueOf(c, 'node_sockstat_sockets_used')).toBe(17);
    expect(valueOf(c, 'node_sockstat_TCP_tw')).toBe(22);
    expect(valueOf(c, 'node_sockstat_TCP_mem')).toBe(167);
    expect(valueOf(c, 'node_sockstat_TCP_mem_bytes')).toBe(167 * 4096);
    expect(valueOf(c, 'node_sockstat_FRAG_memory')).toBe(0);
    expect(namesOf(c).has('node_sockstat_FRAG_memory_bytes')).toBe(false);
    expect(valueOf(c, 'node_sockstat_TCP6_inuse')).toBe(0);
    expect(c.metadata.find((m) => m.name === 'node_sockstat_TCP_tw')?.help).toBe('Number of TCP sockets in state tw.');
    expect(c.problems).toEqual([]);
  });

  it('reports odd pairs and bad numbers by line', () => {
    const out = new CollectionBuilder();
    emitSockstat('sockets: used 3\nTCP: inuse\nUDP: inuse x mem 2\n', 'sockstat', out, 4096);
    const c = out.build();
    expect(valueOf(c, 'node_sockstat_UDP_mem')).toBe(2);
    expect(problemLines(c)).toEqual([
      'sockstat:2: expected "<PROTO>: <name> <number> …", got "TCP: inuse"',
      'sockstat:3: UDP inuse: expected a number, got "x"',
    ]);
  });
});
