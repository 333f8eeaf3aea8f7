/**
 * Label-set helpers for comparing results: a canonical key (two sets are the
 * same series iff their keys are equal), Prometheus' label ordering, and the
 * `name{a="b"}` spelling used in diffs.
 */
import type { Labels } from '../../tsdb/interface.js';

/** Sorted, empty values dropped: Prometheus treats `a=""` as no label `a`. */
export function sortedPairs(labels: Labels): [string, string][] {
  return Object.entries(labels)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function labelKey(labels: Labels): string {
  return JSON.stringify(sortedPairs(labels));
}

/** Go's labels.Compare: name by name, then value, then the shorter set first. */
export function compareLabels(a: Labels, b: Labels): number {
  const pa = sortedPairs(a);
  const pb = sortedPairs(b);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = pa[i] as [string, string];
    const [bn, bv] = pb[i] as [string, string];
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return pa.length - pb.length;
}

const PLAIN_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function formatLabels(labels: Labels): string {
  const pairs = sortedPairs(labels);
  const name = labels['__name__'];
  const rest = pairs.filter(([k]) => k !== '__name__' || name === undefined || !PLAIN_NAME.test(name));
  const body = rest.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  const prefix = name !== undefined && PLAIN_NAME.test(name) ? name : '';
  return `${prefix}{${body}}`;
}

/** Prometheus' spelling of special floats (`+Inf`, `-Inf`, `NaN`). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
