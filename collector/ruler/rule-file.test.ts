import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from './rule-file.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dir = path.resolve(repoRoot, '../shared/conformance/rulefmt');

/** Expected outcomes as SOURCES.md lists them (read from the file, never restated here). */
function expectations(): { good: string[]; bad: Map<string, string> } {
  const text = readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
  const bad = new Map<string, string>();
  for (const m of text.matchAll(/^\| ([\w.-]+\.bad\.yaml) \| `([^`]+)`/gm)) bad.set(m[1] as string, m[2] as string);
  const goodLine = /^Good[^:]*: ([\s\S]*?)\n\n/m.exec(text)?.[1] ?? '';
  const good = [...goodLine.matchAll(/`([\w.-]+\.yaml)`/g)].map((m) => m[1] as string);
  return { good, bad };
}

describe('rule files: Prometheus rulefmt conformance', () => {
  const { good, bad } = expectations();
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('knows an outcome for every file', () => {
    expect(good.length).toBeGreaterThan(0);
    expect(bad.size).toBeGreaterThan(0);
    for (const f of files) expect(good.includes(f) || bad.has(f), f).toBe(true);
  });

  for (const f of files.filter((x) => good.includes(x))) {
    it(`accepts ${f}`, () => {
      const r = parseRuleFile(f, readFileSync(path.join(dir, f), 'utf8'));
      expect(r.ok ? [] : r.error).toEqual([]);
    });
  }

  for (const [f, message] of bad) {
    it(`rejects ${f} with "${message}"`, () => {
      // legacy_validation_* files name their mode; every other file uses Prometheus 3's default.
      const nameValidation = f.startsWith('legacy_validation') ? 'legacy' : 'utf8';
      const r = parseRuleFile(f, readFileSync(path.join(dir, f), 'utf8'), { nameValidation });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error[0]).toContain(message);
    });
  }

  it('accepts legacy_validation_annotation.bad.yaml under UTF-8 validation', () => {
    const f = 'legacy_validation_annotation.bad.yaml';
    expect(parseRuleFile(f, readFileSync(path.join(dir, f), 'utf8')).ok).toBe(true);
  });
});

describe('rule files: messages', () => {
  it('names file and line of each problem', () => {
    const text = ['groups:', '  - name: g', '    interval: soon', '    rules:', '      - alert: A', '        expr: up ==', ''].join('\n');
    const r = parseRuleFile('rules.yaml', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('rules.yaml:3: interval: not a valid duration string: "soon"');
    expect(r.error.find((e) => e.startsWith('rules.yaml:6: group "g", rule 1, "A": could not parse expression: '))).toBeDefined();
  });

  it('reads groups, intervals, limits and rules', () => {
    const text = [
      'groups:',
      '  - name: node',
      '    interval: 30s',
      '    limit: 10',
      '    query_offset: 1m',
      '    rules:',
      '      - record: instance:cpu:rate5m',
      '        expr: sum by (instance) (rate(node_cpu_seconds_total[5m]))',
      '      - alert: Busy',
      '        expr: instance:cpu:rate5m > 0.9',
      '        for: 5m',
      '        keep_firing_for: 1m',
      '        labels: { severity: warning }',
      '        annotations: { summary: "{{ $labels.instance }} is busy" }',
    ].join('\n');
    const r = parseRuleFile('node.yaml', text);
    expect(r.ok && r.value.groups[0]).toMatchObject({
      name: 'node',
      intervalMs: 30_000,
      limit: 10,
      queryOffsetMs: 60_000,
      rules: [
        { kind: 'recording', record: 'instance:cpu:rate5m', line: 7 },
        { kind: 'alerting', alert: 'Busy', forMs: 300_000, keepFiringForMs: 60_000, labels: { severity: 'warning' }, line: 9 },
      ],
    });
  });

  it('rejects a template that does not parse', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n          summary: "{{ $labels.x "\n';
    const r = parseRuleFile('t.yaml', text);
    expect(!r.ok && r.error[0]).toContain('msg: template: __alert_A:1: ');
  });
});
