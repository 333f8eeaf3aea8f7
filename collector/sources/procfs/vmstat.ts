/** /proc/vmstat → node_vmstat_<field> for the fields node-exporter's `vmstat` collector exports by default. */
import type { CollectionBuilder } from './collection-builder.js';
import { untyped } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

/** node-exporter's default `--collector.vmstat.fields`. */
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

export function emitVmstat(text: string, file: string, out: CollectionBuilder, include: RegExp): void {
  for (const { no, text: line } of numberedLines(text)) {
    const [key, raw, extra] = fields(line);
    const value = parseNumber(raw);
    if (key === undefined || value === undefined || extra !== undefined) {
      out.problem(`${file}:${no}`, `expected "<field> <number>", got ${quote(line)}`);
      continue;
    }
    if (!include.test(key)) continue;
    const name = `node_vmstat_${key}`;
    out.add(untyped(name, `/proc/vmstat information field ${key}.`), {}, value);
  }
}
