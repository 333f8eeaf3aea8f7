/** Lookups over a source's Collection for tests: by metric name and a subset of labels. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Collection, Source, SourceSample } from '../../collector/sources/source.js';

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

/** One series' identity: its labels, sorted. */
export const seriesIdentity = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** A collection's values by series identity; a series produced twice in one collection is an error. */
export function valuesBySeries(c: Collection): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of c.samples) {
    const k = seriesIdentity(s.labels);
    if (m.has(k)) throw new Error(`series produced twice in one collection: ${k}`);
    m.set(k, s.value);
  }
  return m;
}

export type Scoped = 'all' | 'resource' | 'full';

/** One collection per scope from three sources made alike but for their scope. */
export async function collectScopes(make: (scope: Scoped) => Source): Promise<Record<Scoped, Collection>> {
  const [all, resource, full] = await Promise.all((['all', 'resource', 'full'] as const).map((scope) => make(scope).collect()));
  if (!all || !resource || !full) throw new Error('unreachable');
  return { all, resource, full };
}
