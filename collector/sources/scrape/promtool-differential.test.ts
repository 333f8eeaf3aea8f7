/**
 * Differential test against the real promtool (Debian package prometheus):
 * deterministic mutations of the prometheus/common corpus must be accepted or
 * rejected by our text parser exactly as `promtool check metrics` (exit 1 =
 * parse error) does. promtool 2.42 predates quoted UTF-8 names, so inputs
 * with a line that starts with `{` (that newer syntax) are left out.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseText } from './parse-text.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = path.resolve(repoRoot, '../shared/conformance/exposition/common-expfmt/fuzz-corpus');
const NASTY = [
  '{',
  '}',
  '"',
  '\\',
  '\n',
  ' ',
  '\t',
  '#',
  ',',
  '=',
  'é',
  'NaN',
  '+Inf',
  '_sum',
  'le',
  '1',
  '.',
  '-',
  'e',
  ':',
];

function* mutations(count: number): Generator<string> {
  const files = readdirSync(corpusDir)
    .sort()
    .map((f) => readFileSync(path.join(corpusDir, f), 'utf8'));
  let seed = 2026;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < count; i++) {
    let t = files[Math.floor(rnd() * files.length)] as string;
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const at = Math.floor(rnd() * (t.length + 1));
      const op = Math.floor(rnd() * 3);
      if (op === 0) t = t.slice(0, at) + t.slice(at + 1);
      else if (op === 1) t = t.slice(0, at) + (NASTY[Math.floor(rnd() * NASTY.length)] as string) + t.slice(at);
      else t = t.slice(0, at) + t.slice(at + 1, at + 2) + t.slice(at, at + 1) + t.slice(at + 2);
    }
    yield t;
  }
}

describe('text parser versus promtool check metrics', () => {
  it('agrees on which mutated inputs parse', () => {
    const disagreements: string[] = [];
    let compared = 0;
    let accepted = 0;
    for (const text of mutations(60)) {
      if (/^[ \t]*\{/m.test(text)) continue;
      const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(run.error, 'promtool missing: apt-get install prometheus').toBeUndefined();
      const ours = parseText(text);
      compared++;
      if (ours.ok) accepted++;
      if (ours.ok !== (run.status !== 1)) {
        disagreements.push(
          `${JSON.stringify(text)}: ours ${ours.ok ? 'ok' : ours.error.message}; promtool ${run.stderr.trim()}`,
        );
      }
    }
    expect(compared).toBeGreaterThan(30);
    // Both outcomes must be exercised, or agreement would prove little.
    expect(accepted).toBeGreaterThan(5);
    expect(compared - accepted).toBeGreaterThan(5);
    expect(disagreements).toEqual([]);
  });
});
