/**
 * The conformance baseline (per-file floor of passes, ceiling of failures,
 * kept in test/fixtures/promql/baseline.json) and the per-file table in
 * docs/conformance.md, both regenerated from a run's FileReports.
 */
import { s, type Infer } from '../../schema/index.js';
import type { FileReport } from './report.js';

const BaselineEntry = s.object({
  minPassed: s.number().int().nonnegative(),
  maxFailed: s.number().int().nonnegative(),
  maxErrors: s.number().int().nonnegative().default(0),
});
const BaselineSchema = s.object({ files: s.record(s.string(), BaselineEntry) });
export type Baseline = Infer<typeof BaselineSchema>;
export type BaselineEntry = Infer<typeof BaselineEntry>;

export function parseBaseline(file: string, text: string): Baseline {
  const parsed = BaselineSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** `name` is the key the file is known by (e.g. `shared/functions.test`). */
export function baselineOf(reports: readonly { readonly name: string; readonly report: FileReport }[]): Baseline {
  const files: Record<string, BaselineEntry> = {};
  for (const { name, report } of reports) {
    files[name] = { minPassed: report.passed, maxFailed: report.failed, maxErrors: report.errors.length };
  }
  return { files };
}

export const TABLE_START = '<!-- conformance-table:start -->';
export const TABLE_END = '<!-- conformance-table:end -->';

export function conformanceTable(reports: readonly { readonly name: string; readonly report: FileReport }[]): string {
  const rows = reports.map(({ name, report: r }) => {
    const total = r.passed + r.failed + r.skipped;
    const pct = total === 0 ? '-' : `${((100 * r.passed) / total).toFixed(1)}%`;
    return `| ${name} | ${r.passed} | ${r.failed} | ${r.skipped} | ${r.errors.length} | ${pct} |`;
  });
  const sum = (f: (r: FileReport) => number): number => reports.reduce((n, x) => n + f(x.report), 0);
  const [p, f, s, e] = [sum((r) => r.passed), sum((r) => r.failed), sum((r) => r.skipped), sum((r) => r.errors.length)];
  const all = p + f + s;
  const totalPct = all === 0 ? '-' : `${((100 * p) / all).toFixed(1)}%`;
  return [
    '| script | passed | failed | skipped | errors | passed of all |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    `| **total** | **${p}** | **${f}** | **${s}** | **${e}** | **${totalPct}** |`,
  ].join('\n');
}

/** Replaces the text between the table markers; the rest of the document is kept as written. */
export function replaceTable(doc: string, table: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${TABLE_START}\n${table}\n${TABLE_END}\n`;
  return `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`;
}
