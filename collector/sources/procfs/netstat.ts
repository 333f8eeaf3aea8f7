/**
 * /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 → node_netstat_<Proto>_<Field>
 * (node-exporter's `netstat` collector). The first two hold pairs of lines, a
 * header (`Tcp: RtoAlgorithm RtoMin …`) followed by its values (`Tcp: 1 200 …`);
 * snmp6 holds one `Ip6InReceives 123` per line.
 */
import type { CollectionBuilder } from './collection-builder.js';
import { untyped } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

/** node-exporter's default `--collector.netstat.fields`. */
export const DEFAULT_NETSTAT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

function add(out: CollectionBuilder, include: RegExp, proto: string, key: string, value: number): void {
  const suffix = `${proto}_${key}`;
  if (!include.test(suffix)) return;
  out.add(untyped(`node_netstat_${suffix}`, `Statistic ${proto}${key}.`), {}, value);
}

/** For /proc/net/netstat and /proc/net/snmp. */
export function emitNetstatPairs(text: string, file: string, out: CollectionBuilder, include: RegExp): void {
  const lines = numberedLines(text);
  for (let i = 0; i < lines.length; i += 2) {
    const header = lines[i] as (typeof lines)[number];
    const values = lines[i + 1];
    const [proto, ...names] = fields(header.text);
    if (values === undefined) {
      out.problem(
        `${file}:${header.no}`,
        `header ${quote(proto ?? '')} has no line of values after it (file truncated?)`,
      );
      return;
    }
    const [proto2, ...raw] = fields(values.text);
    if (proto === undefined || !proto.endsWith(':') || proto !== proto2 || names.length !== raw.length) {
      out.problem(
        `${file}:${values.no}`,
        `expected the values of ${quote(proto ?? '')} (${names.length} fields), got ${quote(values.text)}`,
      );
      // The pairing is lost: skip the rest rather than guess which line heads what.
      return;
    }
    const p = proto.slice(0, -1);
    raw.forEach((r, j) => {
      const v = parseNumber(r);
      if (v === undefined)
        out.problem(`${file}:${values.no}`, `${p} ${names[j] ?? ''}: expected a number, got ${quote(r)}`);
      else add(out, include, p, names[j] as string, v);
    });
  }
}

/** For /proc/net/snmp6: the protocol ends at its first "6" (Ip6, Icmp6, Udp6, UdpLite6). */
export function emitSnmp6(text: string, file: string, out: CollectionBuilder, include: RegExp): void {
  for (const { no, text: line } of numberedLines(text)) {
    const [key = '', raw, extra] = fields(line);
    const value = parseNumber(raw);
    const six = key.indexOf('6');
    if (value === undefined || extra !== undefined || six <= 0) {
      out.problem(`${file}:${no}`, `expected "<Proto6Field> <number>", got ${quote(line)}`);
      continue;
    }
    add(out, include, key.slice(0, six + 1), key.slice(six + 1), value);
  }
}
