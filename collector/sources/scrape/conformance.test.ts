/**
 * Runs every case under ../shared/conformance/exposition against its expected
 * outcome (see SOURCES.md there): OpenMetrics' parser suite by test.json,
 * prometheus/common's fuzz corpus by file name, real exporter output must
 * parse. Prints pass counts per folder and fails on any case that is not in
 * test/fixtures/exposition/baseline.json's known failures. New cases dropped
 * into those folders are picked up without touching this file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { s } from '../../schema/index.js';
import { parseExposition } from './parse-exposition.js';
import type { ExpositionOptions } from './exposition-types.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseText } from './parse-text.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const confDir = path.resolve(repoRoot, '../shared/conformance/exposition');
const fixtures = path.join(repoRoot, 'test/fixtures/exposition');
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

interface Case {
  readonly folder: string;
  readonly id: string; // path under confDir
  readonly file: string;
  readonly contentType: string;
  readonly shouldParse: boolean;
  readonly options?: ExpositionOptions;
}

const TestJson = s.object({ type: s.literal('text'), file: s.string(), shouldParse: s.boolean() });
const Baseline = s.object({
  minPass: s.record(s.string(), s.number().int()),
  knownFailures: s.array(s.string()),
});

const filesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => statSync(path.join(dir, f)).isFile())
        .sort()
    : [];

function collectCases(): Case[] {
  const cases: Case[] = [];
  const omDir = path.join(confDir, 'openmetrics-parsers');
  for (const name of existsSync(omDir) ? readdirSync(omDir).sort() : []) {
    const spec = TestJson.parse(JSON.parse(readFileSync(path.join(omDir, name, 'test.json'), 'utf8')));
    const file = path.join(omDir, name, spec.file);
    cases.push({
      folder: 'openmetrics-parsers',
      id: `openmetrics-parsers/${name}`,
      file,
      contentType: OM,
      shouldParse: spec.shouldParse,
    });
  }
  const fuzzDir = path.join(confDir, 'common-expfmt/fuzz-corpus');
  for (const name of filesIn(fuzzDir)) {
    const shouldParse = !name.startsWith('from_test_parse_error');
    cases.push({
      folder: 'common-expfmt/fuzz-corpus',
      id: `common-expfmt/fuzz-corpus/${name}`,
      file: path.join(fuzzDir, name),
      contentType: TEXT,
      shouldParse,
    });
  }
  for (const name of filesIn(path.join(confDir, 'common-expfmt'))) {
    cases.push({
      folder: 'common-expfmt',
      id: `common-expfmt/${name}`,
      file: path.join(confDir, 'common-expfmt', name),
      contentType: TEXT,
      shouldParse: true,
    });
  }
  // Real Prometheus/client_golang output. The OpenMetrics files carry a
  // histogram with negative buckets and a _sum, which the OpenMetrics spec
  // forbids and Prometheus accepts: they are read as a scrape reads them.
  for (const folder of ['prometheus-textparse', 'prometheus-promtool']) {
    for (const name of filesIn(path.join(confDir, folder))) {
      const om = /\.om(\.txt)?$/.test(name);
      cases.push({
        folder,
        id: `${folder}/${name}`,
        file: path.join(confDir, folder, name),
        contentType: om ? OM : TEXT,
        shouldParse: true,
        ...(om ? { options: { validation: 'structure' as const } } : {}),
      });
    }
  }
  return cases;
}

const cases = collectCases();
const baseline = Baseline.parse(JSON.parse(readFileSync(path.join(fixtures, 'baseline.json'), 'utf8')));
const tally = new Map<string, { pass: number; total: number }>();

describe('exposition conformance', () => {
  it('finds the shared conformance cases', () => {
    expect(existsSync(confDir), `${confDir} is missing`).toBe(true);
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    // Bytes, not a string: invalid UTF-8 must be seen to be rejected.
    const r = parseExposition(readFileSync(c.file), c.contentType, c.options);
    const passed = r.ok === c.shouldParse;
    const t = tally.get(c.folder) ?? { pass: 0, total: 0 };
    tally.set(c.folder, { pass: t.pass + (passed ? 1 : 0), total: t.total + 1 });
    if (baseline.knownFailures.includes(c.id)) return;
    const why = r.ok ? 'parsed but must be rejected' : `rejected: ${r.error.message}`;
    expect(passed, `${c.id}: ${why}`).toBe(true);
  });

  it('keeps at least the baseline pass counts', () => {
    for (const [folder, min] of Object.entries(baseline.minPass)) {
      expect(tally.get(folder)?.pass ?? 0, folder).toBeGreaterThanOrEqual(min);
    }
  });

  afterAll(() => {
    const lines = [...tally].map(([folder, t]) => `  ${folder}: ${t.pass}/${t.total} pass`);
    console.log(`exposition conformance:\n${lines.join('\n')}`);
  });
});

// Golden results for cases whose meaning is easy to get subtly wrong
// (escapes, timestamps in seconds, created timestamps, exemplars).
const ExpectedCase = s.object({
  samples: s.array(s.unknown()),
  metadata: s.array(s.unknown()).optional(),
});
const Expected = s.record(s.string(), ExpectedCase);

describe('exposition conformance: expected series', () => {
  const expected = Expected.parse(JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')));
  it.each(Object.entries(expected))('%s', (id, want) => {
    const c = cases.find((x) => x.id === id);
    expect(c, `${id} is not a conformance case`).toBeDefined();
    const r = parseExposition(readFileSync((c as Case).file, 'utf8'), (c as Case).contentType, (c as Case).options);
    if (!r.ok) throw new Error(`${id}: ${r.error.message}`);
    // JSON has no NaN or Inf: the fixture spells them as strings.
    const json: unknown = JSON.parse(
      JSON.stringify(r.value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
    );
    const got = ExpectedCase.parse(json);
    expect(got.samples).toEqual(want.samples);
    if (want.metadata) expect(got.metadata).toEqual(want.metadata);
  });
});

// Deterministic mutations of every corpus file: both parsers must answer with
// a Result (never throw) whatever the bytes are.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  '\0',
  'é',
  '\uD800',
  'NaN',
  '+Inf',
  '# EOF\n',
  '_total',
  'le',
];

function mutate(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return text.slice(0, at); // truncation
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 8)); // deletion
    case 2:
      return text.slice(0, at) + (NASTY[Math.floor(rnd() * NASTY.length)] as string) + text.slice(at); // insertion
    default: {
      const other = Math.floor(rnd() * (text.length + 1)); // duplicate a slice elsewhere
      return text.slice(0, at) + text.slice(Math.min(at, other), Math.max(at, other)).slice(0, 200) + text.slice(at);
    }
  }
}

describe('exposition fuzz', () => {
  it('answers every corpus file and mutations of it with a Result, never a throw', () => {
    const rnd = mulberry32(20261127);
    let parsed = 0;
    for (const c of cases) {
      const text = readFileSync(c.file, 'utf8');
      const variants = [text, ...Array.from({ length: text.length > 20_000 ? 3 : 25 }, () => mutate(text, rnd))];
      for (const v of variants) {
        for (const r of [
          parseText(v),
          parseText(v, { validation: 'structure' }),
          parseOpenMetrics(v),
          parseOpenMetrics(v, { validation: 'structure' }),
        ]) {
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.error.message).toMatch(/^line \d+: /);
          parsed++;
        }
      }
    }
    expect(parsed).toBeGreaterThan(cases.length * 3);
  });

  it('answers byte-level corruption (invalid UTF-8 included) with a Result, never a throw', () => {
    const rnd = mulberry32(7);
    for (const c of cases) {
      const bytes = readFileSync(c.file);
      for (let i = 0; i < 5 && bytes.length > 0; i++) {
        const copy = Uint8Array.from(bytes);
        copy[Math.floor(rnd() * copy.length)] = Math.floor(rnd() * 256);
        for (const contentType of [OM, TEXT]) {
          const r = parseExposition(copy, contentType);
          if (!r.ok) expect(r.error.message).toMatch(/^line \d+: /);
        }
      }
    }
  });
});
