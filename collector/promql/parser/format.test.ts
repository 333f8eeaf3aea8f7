import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { formatExpr } from './format.js';
import { parseExpr } from './parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const conformanceDir = path.resolve(repoRoot, '../shared/conformance/promql');

function parsed(q: string): Expr {
  const r = parseExpr(q, { enableExperimentalFunctions: true });
  if (!r.ok) throw r.error;
  return r.value;
}

/** The tree without positions and source text, which formatting may change. */
function shape(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (k, v: unknown) =>
      k === 'pos' || k === 'text' || k === 'explicit' || k === 'hasGrouping'
        ? undefined
        : typeof v === 'number' && Number.isNaN(v)
          ? 'NaN'
          : v,
    ),
  );
}

describe('formatExpr', () => {
  it.each([
    ['sum(rate(x[90s])) by (job)', 'sum by (job) (rate(x[1m30s]))'],
    ['foo offset 5m @ 100', 'foo @ 100.000 offset 5m'],
    ['a+on(b)group_left(c)d', 'a + on (b) group_left (c) d'],
    ['topk(3,x)without(y)', 'topk without (y) (3, x)'],
    ['x[5m:] offset -1m', 'x[5m:] offset -1m'],
    ['1e3 + 0x10', '1000 + 16'],
    ['{__name__="a", b!~"c"}', 'a{b!~"c"}'],
    ['a > bool 1', 'a > bool 1'],
  ])('%s → %s', (input, want) => {
    expect(formatExpr(parsed(input))).toBe(want);
  });

  it.skipIf(!existsSync(conformanceDir))('round-trips every expression of the shared conformance scripts', () => {
    let checked = 0;
    for (const file of readdirSync(conformanceDir).filter((f) => f.endsWith('.test'))) {
      for (const line of readFileSync(path.join(conformanceDir, file), 'utf8').split('\n')) {
        const m = /^eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/.exec(
          line.trim(),
        );
        const q = m?.[1];
        if (q === undefined) continue;
        const first = parseExpr(q, { enableExperimentalFunctions: true });
        if (!first.ok) continue;
        const text = formatExpr(first.value);
        expect(shape(parsed(text)), `${file}: ${q} → ${text}`).toEqual(shape(first.value));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
