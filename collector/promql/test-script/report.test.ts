import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promqltestHarness } from './harness.js';
import { formatReport, runPromqlTests } from './report.js';

const dir = mkdtempSync(path.join(tmpdir(), 'promql-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const good = script(
  'good.test',
  `load 1m
  http_requests_total{job="api"} 0+60x10

eval instant at 5m rate(http_requests_total[5m])
  {job="api"} 1

eval instant at 5m http_requests_total
  http_requests_total{job="api"} 300
`,
);
const bad = script(
  'bad.test',
  `load 1m
  up 1 2 3
  hist {{count:1 sum:1}}x2

eval instant at 2m up
  up 4

eval instant at 2m hist
  hist 1
`,
);

describe('runPromqlTests with the real store and engine', () => {
  it('counts passes and exits 0 when nothing failed', async () => {
    const report = await runPromqlTests([good]);
    expect(report.files.map((f) => [f.passed, f.failed, f.skipped])).toEqual([[2, 0, 0]]);
    expect(report.exitCode).toBe(0);
    expect(formatReport(report)).toBe(
      `${good}: 2 passed, 0 failed, 0 skipped\nTOTAL: 2 passed, 0 failed, 0 skipped\nSUCCESS\n`,
    );
  });

  it('prints a diff per failure, counts skips and exits 1', async () => {
    const report = await runPromqlTests([good, bad], promqltestHarness());
    expect(report.totals).toEqual({ passed: 2, failed: 1, skipped: 1, errors: 0 });
    expect(report.exitCode).toBe(1);
    const text = formatReport(report, { showSkipped: true });
    expect(text).toContain(
      `${bad}: 0 passed, 1 failed, 1 skipped\n  FAIL ${bad}:5: up\n    expected 4 for up{} but got 3\n    expected:\n      up{} 4\n    got:\n      up{} 3\n`,
    );
    expect(text).toContain(
      `  SKIP ${bad}:8: hist\n    native histograms: the query may read hist, which the store cannot hold\n`,
    );
  });

  it('reports an unreadable or malformed file with its place and still runs the others', async () => {
    const broken = script('broken.test', 'load 1m\n  up 1 2 x\n');
    const missing = path.join(dir, 'missing.test');
    const report = await runPromqlTests([missing, broken, good], promqltestHarness());
    expect(report.files.map((f) => f.errors.length)).toEqual([1, 1, 0]);
    expect(report.files[0]?.errors[0]).toMatch(new RegExp(`^${missing}: cannot read: `));
    expect(report.files[1]?.errors[0]).toBe(
      `${broken}:2:8: unexpected "x" in series values (expected a number, Inf, NaN, stale or _)`,
    );
    expect(report.totals.passed).toBe(2);
    expect(report.exitCode).toBe(1);
  });

  it('reports a store that throws as an error of that file, not a crash', async () => {
    const throwing = {
      ...promqltestHarness(),
      newStore: () => {
        throw new Error('disk on fire');
      },
    };
    const report = await runPromqlTests([good], throwing);
    expect(report.files[0]?.errors[0]).toMatch(new RegExp(`^${good}: internal error: Error: disk on fire`));
    expect(report.exitCode).toBe(1);
  });
});
