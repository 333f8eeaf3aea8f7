import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MetricMeta, SourceSample } from '../source.js';
import { parseText } from './parse-text.js';
import { STALE_NAN } from './stale-nan.js';
import { writeTextExposition } from './write-text.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const confDir = path.resolve(repoRoot, '../shared/conformance/exposition');

const reparse = (text: string) => {
  const r = parseText(text);
  if (!r.ok) throw new Error(`written text does not parse: ${r.error.message}\n${text}`);
  return r.value;
};
const key = (s: SourceSample): string =>
  JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))) + String(s.t) + String(s.value);
/** Samples in a canonical order: the writer regroups families and sorts label names. */
const byKey = (samples: readonly SourceSample[]) => [...samples].sort((a, b) => (key(a) < key(b) ? -1 : 1));

describe('writeTextExposition', () => {
  it('writes sorted families with HELP and TYPE first, escaped', () => {
    const text = writeTextExposition(
      [
        { labels: { __name__: 'zz', path: 'C:\\DIR\\"x"\nend' }, value: NaN },
        { labels: { __name__: 'aa_bucket', le: '1' }, value: 1 },
        { labels: { __name__: 'aa_bucket', le: '+Inf' }, value: 2 },
        { labels: { __name__: 'aa_sum' }, value: 1.5 },
        { labels: { __name__: 'aa_count' }, value: 2 },
        { labels: { __name__: 'req_total', code: '200' }, value: Infinity, t: 1700000000000 },
      ],
      [
        { name: 'aa', type: 'histogram', help: 'Line one\nback\\slash' },
        { name: 'req', type: 'counter', help: 'Requests.' },
      ],
    );
    expect(text).toBe(
      [
        '# HELP aa Line one\\nback\\\\slash',
        '# TYPE aa histogram',
        'aa_bucket{le="1"} 1',
        'aa_bucket{le="+Inf"} 2',
        'aa_sum 1.5',
        'aa_count 2',
        '# HELP req_total Requests.',
        '# TYPE req_total counter',
        'req_total{code="200"} +Inf 1700000000000',
        'zz{path="C:\\\\DIR\\\\\\"x\\"\\nend"} NaN',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the labels it is told to (a collection\'s constLabels)', () => {
    const text = writeTextExposition([{ labels: { __name__: 'c', id: '/a', job: 'cadvisor', node: 'n1' }, value: 1 }], [], new Set(['job', 'node']));
    expect(text).toBe('c{id="/a"} 1\n');
  });

  it('leaves staleness markers out', () => {
    const text = writeTextExposition([
      { labels: { __name__: 'gone' }, value: STALE_NAN },
      { labels: { __name__: 'here' }, value: NaN },
    ]);
    expect(text).toBe('here NaN\n');
  });

  it('round-trips values, labels, timestamps and UTF-8 names through the parser', () => {
    const samples: SourceSample[] = [
      { labels: { __name__: 'g', a: 'x"y\\z\nw', b: '' }, value: -Infinity },
      { labels: { __name__: 'g', a: 'ünïcödé ✓' }, value: 1e-300, t: -5 },
      { labels: { __name__: 'my.dotted.metric', 'error.message': 'Not Found' }, value: 0.1 + 0.2 },
      { labels: { __name__: 'big' }, value: 1.7976931348623157e308, t: 1_700_000_000_123 },
      { labels: { __name__: 'nan' }, value: NaN },
    ];
    const metadata: MetricMeta[] = [
      { name: 'g', type: 'gauge', help: 'multi\nline \\ help' },
      { name: 'my.dotted.metric', type: 'unknown', help: 'dots' },
    ];
    const back = reparse(writeTextExposition(samples, metadata));
    expect(byKey(back.samples)).toEqual(byKey(samples));
    expect([...back.metadata].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...metadata].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it.each([
    'prometheus-textparse/alltypes.237mfs.prom.txt',
    'common-expfmt/text',
    'prometheus-promtool/metrics-test.prom',
  ])('round-trips %s', (file) => {
    const first = parseText(readFileSync(path.join(confDir, file), 'utf8'));
    if (!first.ok) throw first.error;
    const back = reparse(writeTextExposition(first.value.samples, first.value.metadata));
    expect(byKey(back.samples)).toEqual(byKey(first.value.samples));
    const names = (m: readonly MetricMeta[]) => [...m].sort((a, b) => a.name.localeCompare(b.name));
    expect(names(back.metadata)).toEqual(names(first.value.metadata));
  });

  it('writes what the real promtool (Debian package prometheus) parses', () => {
    const first = parseText(readFileSync(path.join(confDir, 'prometheus-textparse/alltypes.237mfs.prom.txt'), 'utf8'));
    if (!first.ok) throw first.error;
    const extra: SourceSample[] = [
      { labels: { __name__: 'escapes', v: 'a"b\\c\nd' }, value: NaN, t: 1_700_000_000_000 },
      { labels: { __name__: 'escapes', v: 'inf' }, value: -Infinity },
    ];
    const text = writeTextExposition([...first.value.samples, ...extra], first.value.metadata);
    const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(run.error, 'promtool missing: apt-get install prometheus').toBeUndefined();
    // Exit 1 is a parse failure; 3 only lint advice about metric naming.
    expect(run.status, run.stderr).not.toBe(1);
    expect(run.stderr).not.toContain('error while linting');
  });
});
