/** Lookups over a source's Collection for tests: by metric name and a subset of labels. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Collection, SourceSample } from '../../collector/sources/source.js';

export function samplesOf(c: Collection, name: string, labels: Readonly<Record<string, string>> = {}): SourceSample[] {
  return c.samples.filter(
    (s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample that matches; throws when none or several do, so a test cannot pass by accident. */
export function valueOf(c: Collection, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const found = samplesOf(c, name, labels);
  if (found.length !== 1) throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return (found[0] as SourceSample).value;
}

export function namesOf(c: Collection): Set<string> {
  return new Set(c.samples.map((s) => s.labels.__name__ ?? ''));
}

/** The text of a file under test/fixtures/procfs. */
export function procfsFixture(rel: string): string {
  return readFileSync(path.join(PROCFS_FIXTURES, rel), 'utf8');
}
export const PROCFS_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/procfs');

/** `place: message` of every problem, the form tests compare whole. */
export function problemLines(c: Collection): string[] {
  return c.problems.map((p) => `${p.place}: ${p.message}`);
}
