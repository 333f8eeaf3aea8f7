/**
 * The `kubepulse promql test FILE…` entry: reads and runs each script, counts
 * passed / failed / skipped per file and renders a text report whose exit
 * code follows `promtool test`: 0 when nothing failed, 1 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { promqltestHarness } from './harness.js';
import { parseScript } from './parse-script.js';
import { runScript, type EvalOutcome, type RunScriptOptions } from './run-script.js';

export interface FileReport {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Unreadable or unparsable file, or a load the store rejected; each counts as a failure for the exit code. */
  readonly errors: readonly string[];
  readonly outcomes: readonly EvalOutcome[];
}

export interface Report {
  readonly files: readonly FileReport[];
  readonly totals: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly errors: number;
  };
  readonly exitCode: 0 | 1;
}

/** Store and engine default to promqltestHarness(): the settings promqltest itself uses. */
export type PromqlTestOptions = Partial<RunScriptOptions>;

/** Runs every file; one bad file is reported and the others still run. */
export async function runPromqlTests(files: readonly string[], options: PromqlTestOptions = {}): Promise<Report> {
  const harness = promqltestHarness();
  const full: RunScriptOptions = {
    ...options,
    newStore: options.newStore ?? harness.newStore,
    newEngine: options.newEngine ?? harness.newEngine,
  };
  const reports: FileReport[] = [];
  for (const file of files) reports.push(await runFile(file, full));
  const sum = (f: (r: FileReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const totals = {
    passed: sum((r) => r.passed),
    failed: sum((r) => r.failed),
    skipped: sum((r) => r.skipped),
    errors: sum((r) => r.errors.length),
  };
  return { files: reports, totals, exitCode: totals.failed + totals.errors === 0 ? 0 : 1 };
}

async function runFile(file: string, options: RunScriptOptions): Promise<FileReport> {
  const empty = { file, passed: 0, failed: 0, skipped: 0, outcomes: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ...empty, errors: [`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const script = parseScript(file, text);
  if (!script.ok) return { ...empty, errors: [script.error.message] };
  let run: Awaited<ReturnType<typeof runScript>>;
  try {
    run = await runScript(script.value, options);
  } catch (e) {
    // A store or engine that throws is a bug there; report it against the file and go on with the next one.
    return {
      ...empty,
      errors: [`${file}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`],
    };
  }
  const count = (s: EvalOutcome['status']): number => run.outcomes.filter((o) => o.status === s).length;
  return {
    file,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    errors: run.errors,
    outcomes: run.outcomes,
  };
}

export interface FormatOptions {
  /** Also list every skipped eval with its reason. */
  readonly showSkipped?: boolean;
}

export function formatReport(report: Report, options: FormatOptions = {}): string {
  const out: string[] = [];
  for (const f of report.files) {
    out.push(
      `${f.file}: ${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped${f.errors.length > 0 ? `, ${f.errors.length} errors` : ''}`,
    );
    for (const e of f.errors) out.push(`  ERROR ${e}`);
    for (const o of f.outcomes) {
      if (o.status === 'failed') {
        out.push(`  FAIL ${o.file}:${o.line}: ${o.expr}`, `    ${o.reason}`, '    expected:');
        out.push(...o.expected.map((l) => `      ${l}`), '    got:', ...o.got.map((l) => `      ${l}`));
      } else if (o.status === 'skipped' && options.showSkipped === true) {
        out.push(`  SKIP ${o.file}:${o.line}: ${o.expr}`, `    ${o.reason}`);
      }
    }
  }
  const t = report.totals;
  out.push(
    `TOTAL: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.errors > 0 ? `, ${t.errors} errors` : ''}`,
  );
  out.push(report.exitCode === 0 ? 'SUCCESS' : 'FAILED');
  return `${out.join('\n')}\n`;
}
