import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  conformanceTable,
  parseBaseline,
  replaceTable,
  TABLE_END,
  TABLE_START,
} from './conformance-table.js';
import type { FileReport } from './report.js';

const report = (passed: number, failed: number, skipped: number, errors: string[] = []): FileReport => ({
  file: 'x',
  passed,
  failed,
  skipped,
  errors,
  outcomes: [],
});
const runs = [
  { name: 'shared/a.test', report: report(3, 1, 0) },
  { name: 'fixtures/b.test', report: report(0, 0, 2, ['b.test:1: load: boom']) },
];

describe('conformance baseline and table', () => {
  it('records the floor and ceilings of a run', () => {
    expect(baselineOf(runs)).toEqual({
      files: {
        'shared/a.test': { minPassed: 3, maxFailed: 1, maxErrors: 0 },
        'fixtures/b.test': { minPassed: 0, maxFailed: 0, maxErrors: 1 },
      },
    });
  });

  it('reads a baseline back and names the file when it is malformed', () => {
    const text = JSON.stringify(baselineOf(runs));
    expect(parseBaseline('baseline.json', text)).toEqual(baselineOf(runs));
    expect(() => parseBaseline('baseline.json', '{"files":{"a":{"minPassed":-1,"maxFailed":0}}}')).toThrow(
      /^baseline\.json: files\.a\.minPassed: /,
    );
  });

  it('renders one row per script and a total', () => {
    expect(conformanceTable(runs).split('\n')).toEqual([
      '| script | passed | failed | skipped | errors | passed of all |',
      '|---|---:|---:|---:|---:|---:|',
      '| shared/a.test | 3 | 1 | 0 | 0 | 75.0% |',
      '| fixtures/b.test | 0 | 0 | 2 | 1 | 0.0% |',
      '| **total** | **3** | **1** | **2** | **1** | **50.0%** |',
    ]);
  });

  it('replaces only the text between the markers', () => {
    const doc = `# Title\n\nintro\n\n${TABLE_START}\nold table\n${TABLE_END}\n\n## After\n`;
    expect(replaceTable(doc, 'NEW')).toBe(`# Title\n\nintro\n\n${TABLE_START}\nNEW\n${TABLE_END}\n\n## After\n`);
    expect(replaceTable('# Title\n', 'NEW')).toBe(`# Title\n\n${TABLE_START}\nNEW\n${TABLE_END}\n`);
  });
});
