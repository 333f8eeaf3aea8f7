/**
 * Runs Prometheus' own PromQL test scripts (../shared/conformance/promql)
 * and ours (test/fixtures/promql) against the real engine and store, and
 * holds each file to its baseline: no fewer passes, no more failures. The
 * suite stays green while the engine is incomplete, and any regression
 * turns it red with the failing cases listed.
 *
 * Regenerate the baseline and the table in docs/conformance.md with:
 *   PROMQL_CONFORMANCE_WRITE=1 npx vitest run collector/promql/test-script/conformance.test.ts
 * Add PROMQL_CONFORMANCE_REPORT=<file> to also write the full text report
 * (every failure with its diff, every skip with its reason).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { promqltestHarness } from './harness.js';
import { baselineOf, conformanceTable, parseBaseline, replaceTable } from './conformance-table.js';
import { formatReport, runPromqlTests, type FileReport } from './report.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sharedDir = path.resolve(repoRoot, '../shared/conformance/promql');
const fixturesDir = path.resolve(repoRoot, 'test/fixtures/promql');
const baselineFile = path.join(fixturesDir, 'baseline.json');
const docFile = path.join(repoRoot, 'docs/conformance.md');
const write = process.env['PROMQL_CONFORMANCE_WRITE'] === '1';
const reportFile = process.env['PROMQL_CONFORMANCE_REPORT'];

const scripts = (dir: string, prefix: string): { name: string; file: string }[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test'))
        .sort()
        .map((f) => ({ name: `${prefix}/${f}`, file: path.join(dir, f) }))
    : [];
const files = [...scripts(sharedDir, 'shared'), ...scripts(fixturesDir, 'fixtures')];

const options = promqltestHarness();

/** Written files come out as `npm run format` would leave them, so format:check stays green. */
async function prettierFormat(file: string, text: string): Promise<string> {
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

const baseline = existsSync(baselineFile)
  ? parseBaseline(baselineFile, readFileSync(baselineFile, 'utf8'))
  : { files: {} };
const results: { name: string; report: FileReport }[] = [];

describe('PromQL conformance scripts', () => {
  it("finds Prometheus' scripts and ours", () => {
    expect(files.filter((f) => f.name.startsWith('shared/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.name.startsWith('fixtures/')).length).toBeGreaterThan(0);
  });

  for (const { name, file } of files) {
    it(`${name} does not regress`, async () => {
      const report = await runPromqlTests([file], options);
      const f = report.files[0] as FileReport;
      results.push({ name, report: f });
      if (write) return;
      const floor = baseline.files[name];
      const details = formatReport(report);
      if (floor === undefined) return; // a script not in the baseline yet is reported, not judged
      expect(f.passed, details).toBeGreaterThanOrEqual(floor.minPassed);
      expect(f.failed, details).toBeLessThanOrEqual(floor.maxFailed);
      expect(f.errors.length, details).toBeLessThanOrEqual(floor.maxErrors);
    });
  }

  afterAll(async () => {
    const ordered = files.flatMap(({ name }) => results.filter((r) => r.name === name));
    if (reportFile !== undefined) {
      const reports = ordered.map((r) => r.report);
      const totals = { passed: 0, failed: 0, skipped: 0, errors: 0 };
      for (const r of reports) {
        totals.passed += r.passed;
        totals.failed += r.failed;
        totals.skipped += r.skipped;
        totals.errors += r.errors.length;
      }
      const exitCode = totals.failed + totals.errors === 0 ? 0 : 1;
      writeFileSync(reportFile, formatReport({ files: reports, totals, exitCode }, { showSkipped: true }));
    }
    if (!write || ordered.length !== files.length) return;
    writeFileSync(baselineFile, await prettierFormat(baselineFile, JSON.stringify(baselineOf(ordered), null, 2)));
    const doc = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# PromQL conformance\n';
    writeFileSync(docFile, await prettierFormat(docFile, replaceTable(doc, conformanceTable(ordered))));
  });
});
