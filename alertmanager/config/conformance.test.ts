/**
 * Every config in ../shared/conformance/alertmanager-config (Alertmanager's
 * own testdata) against the outcome SOURCES.md records for it: good files
 * load, bad files fail with the whole message (or the part SOURCES.md gives).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './load.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/conformance/alertmanager-config');

type Expectation =
  { readonly kind: 'good' } | { readonly kind: 'bad'; readonly message: string; readonly exact: boolean };

/** Reads the "Good:" list and the "| bad file | expected error |" table. */
export function parseSources(md: string): Map<string, Expectation> {
  const out = new Map<string, Expectation>();
  const good = /^Good: ([\s\S]*?)\n\n/m.exec(md)?.[1] ?? '';
  for (const f of good
    .split(/[,\s]+/)
    .map((s) => s.replace(/\.$/, ''))
    .filter((s) => s.endsWith('.yml')))
    out.set(f, { kind: 'good' });
  for (const line of md.split('\n')) {
    const m = /^\| (conf\.[^ |]+\.yml) \| (.*) \|$/.exec(line);
    if (!m) continue;
    const [, file = '', cell = ''] = m;
    const contains = /^contains `(.*)`$/.exec(cell);
    if (contains) out.set(file, { kind: 'bad', message: contains[1] ?? '', exact: false });
    else {
      const quoted = /^`(.*)`$/.exec(cell);
      const message = quoted ? (quoted[1] ?? '').replace(/\\n/g, '\n') : cell;
      out.set(file, { kind: 'bad', message, exact: true });
    }
  }
  // The amtool fixtures: conf.good.yml must pass check-config, conf.bad.yml must fail.
  out.set('amtool/conf.good.yml', { kind: 'good' });
  out.set('amtool/conf.bad.yml', { kind: 'bad', message: '', exact: false });
  out.set('amtool/conf.routing.yml', { kind: 'good' });
  out.set('amtool/conf.routing-reverted.yml', { kind: 'good' });
  return out;
}

const expectations = parseSources(readFileSync(path.join(dir, 'SOURCES.md'), 'utf8'));
const files = [
  ...readdirSync(dir).filter((f) => f.endsWith('.yml')),
  ...readdirSync(path.join(dir, 'amtool'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `amtool/${f}`),
].sort();

describe('Alertmanager config conformance', () => {
  it('has an expectation for every fixture file', () => {
    expect(files.filter((f) => !expectations.has(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(50);
  });

  it.each(files)('%s', async (file) => {
    const want = expectations.get(file);
    expect(want).toBeDefined();
    if (!want) return;
    const r = await loadConfigFile(path.join(dir, file));
    if (want.kind === 'good') {
      expect(r.ok ? 'loaded' : r.error.message).toBe('loaded');
      return;
    }
    expect(r.ok).toBe(false);
    if (r.ok) return;
    if (want.exact) expect(r.error.message).toBe(want.message);
    else expect(r.error.message).toContain(want.message);
  });
});
