/**
 * /proc/meminfo as node-exporter's `meminfo` collector names it: one gauge per
 * line, `Active(anon)` becomes `Active_anon`, values in kB become bytes and get
 * a `_bytes` suffix, and unit-less lines (the HugePages_* counts) keep their name.
 */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import { numberedLines, quote } from './text-lines.js';

const LINE = /^([^:\s]+):\s+(\d+)(?:\s+(kB))?\s*$/;

export function meminfoMetricName(key: string, hasUnit: boolean): string {
  const mangled = key.replace(/\((.*)\)/, '_$1').replace(/[^a-zA-Z0-9_]/g, '_');
  return `node_memory_${mangled}${hasUnit ? '_bytes' : ''}`;
}

export function emitMeminfo(text: string, file: string, out: CollectionBuilder): void {
  let good = 0;
  for (const { no, text: line } of numberedLines(text)) {
    const m = LINE.exec(line);
    if (!m) {
      out.problem(`${file}:${no}`, `expected "Name: <number> [kB]", got ${quote(line)}`);
      continue;
    }
    const [, key = '', digits = '', unit] = m;
    const name = meminfoMetricName(key, unit !== undefined);
    const value = Number(digits) * (unit === undefined ? 1 : 1024);
    good++;
    out.add(gauge(name, `Memory information field ${name.slice('node_memory_'.length)}.`), {}, value);
  }
  if (good === 0) out.problem(file, 'no meminfo lines found');
}
