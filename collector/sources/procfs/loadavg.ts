/** /proc/loadavg → node_load1, node_load5, node_load15 (node-exporter's `loadavg` collector). */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import { fields, parseNumber, quote } from './text-lines.js';

const LOADS = [
  gauge('node_load1', '1m load average.'),
  gauge('node_load5', '5m load average.'),
  gauge('node_load15', '15m load average.'),
];

export function emitLoadavg(text: string, file: string, out: CollectionBuilder): void {
  const first = text.split('\n')[0] ?? '';
  const values = fields(first).slice(0, 3).map(parseNumber);
  if (values.length < 3 || values.some((v) => v === undefined)) {
    out.problem(`${file}:1`, `expected three load averages such as "0.06 0.16 0.08", got ${quote(first)}`);
    return;
  }
  LOADS.forEach((meta, i) => out.add(meta, {}, values[i] as number));
}
