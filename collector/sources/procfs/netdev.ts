/**
 * /proc/net/dev → node_network_{receive,transmit}_*_total (node-exporter's
 * `netdev` collector reading /proc/net/dev, i.e. `--no-collector.netdev.netlink`).
 */
import type { CollectionBuilder } from './collection-builder.js';
import { counter } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

// The column order of /proc/net/dev since Linux 2.6 (net/core/net-procfs.c).
const COLUMNS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;
const METAS = COLUMNS.map((c) => counter(`node_network_${c}_total`, `Network device statistic ${c}.`));

export function emitNetdev(text: string, file: string, out: CollectionBuilder, exclude: RegExp | undefined): void {
  for (const { no, text: line } of numberedLines(text)) {
    // Two header lines; both contain '|' and no interface line does.
    if (line.includes('|')) continue;
    const place = `${file}:${no}`;
    const colon = line.indexOf(':');
    const device = line.slice(0, colon).trim();
    if (colon === -1 || device === '') {
      out.problem(place, `expected "<interface>: <16 counters>", got ${quote(line)}`);
      continue;
    }
    const raw = fields(line.slice(colon + 1));
    const values = raw.map(parseNumber);
    const bad = values.findIndex((v) => v === undefined);
    if (bad !== -1 || values.length < COLUMNS.length) {
      const why = bad !== -1 ? `column ${bad + 1} is ${quote(raw[bad] ?? '')}` : `got ${values.length}`;
      out.problem(place, `${device}: expected ${COLUMNS.length} numeric counters, ${why}`);
      continue;
    }
    if (exclude?.test(device)) continue;
    METAS.forEach((meta, i) => out.add(meta, { device }, values[i] as number));
  }
}
