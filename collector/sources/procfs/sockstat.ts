/**
 * /proc/net/sockstat and sockstat6 → node_sockstat_* (node-exporter's `sockstat`
 * collector). Lines look like `TCP: inuse 4 orphan 0 tw 0 alloc 4 mem 167`;
 * `mem` counts pages, so it is also exported multiplied by the page size.
 */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

const SOCKETS_USED = gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.');

export function emitSockstat(text: string, file: string, out: CollectionBuilder, pageSizeBytes: number): void {
  for (const { no, text: line } of numberedLines(text)) {
    const [protoColon = '', ...pairs] = fields(line);
    const place = `${file}:${no}`;
    if (!protoColon.endsWith(':') || pairs.length === 0 || pairs.length % 2 !== 0) {
      out.problem(place, `expected "<PROTO>: <name> <number> …", got ${quote(line)}`);
      continue;
    }
    const proto = protoColon.slice(0, -1);
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i] as string;
      const value = parseNumber(pairs[i + 1]);
      if (value === undefined) {
        out.problem(place, `${proto} ${key}: expected a number, got ${quote(pairs[i + 1] ?? '')}`);
        continue;
      }
      if (proto === 'sockets' && key === 'used') {
        out.add(SOCKETS_USED, {}, value);
        continue;
      }
      const name = `node_sockstat_${proto}_${key}`;
      out.add(gauge(name, `Number of ${proto} sockets in state ${key}.`), {}, value);
      if (key === 'mem') {
        out.add(gauge(`${name}_bytes`, `Number of ${proto} sockets in state mem_bytes.`), {}, value * pageSizeBytes);
      }
    }
  }
}
