/**
 * Compares one collection of ours (B) with two reads of a reference exporter
 * taken just before (A) and just after (C): per family, the label sets, HELP
 * and TYPE, and each value against a rule (exact, or within [A, C] widened by a
 * tolerance). Used by test/node-exporter.test.ts.
 */
import { parseExposition } from '../../collector/sources/scrape/index.js';
import type { MetricMeta, SourceSample } from '../../collector/sources/source.js';

export type Check =
  { readonly kind: 'exact' } | { readonly kind: 'between'; readonly abs: number; readonly rel?: number };
export interface Rule {
  readonly match: RegExp;
  readonly check: Check;
  readonly why: string;
}
export const exact: Check = { kind: 'exact' };
export const between = (abs: number, rel = 0): Check => ({ kind: 'between', abs, rel });

export interface Side {
  readonly byFamily: Map<string, SourceSample[]>;
  readonly meta: Map<string, MetricMeta>;
}

export function indexSide(samples: readonly SourceSample[], metadata: readonly MetricMeta[]): Side {
  const byFamily = new Map<string, SourceSample[]>();
  for (const s of samples) {
    const name = s.labels.__name__ ?? '';
    byFamily.set(name, [...(byFamily.get(name) ?? []), s]);
  }
  return { byFamily, meta: new Map(metadata.map((m) => [m.name, m])) };
}

export function scrapeSide(body: string, contentType: string | undefined): Side {
  const r = parseExposition(body, contentType);
  if (!r.ok) throw new Error(`node-exporter output did not parse: ${r.error.message}`);
  return indexSide(r.value.samples, r.value.metadata);
}

/** Label names and values except __name__, sorted, as one string. */
export const signature = (s: SourceSample): string =>
  JSON.stringify(
    Object.entries(s.labels)
      .filter(([k]) => k !== '__name__')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

export interface FamilyResult {
  readonly family: string;
  readonly series: number;
  readonly rule: Rule;
  readonly failures: readonly string[];
  /** Differences that `tolerate` explained: intentional, reported but not failures. */
  readonly tolerated: readonly string[];
}

/** Says why a series we have and the reference lacks is intended, or undefined when it is not. */
export type Tolerate = (family: string, signature: string, reference: Side) => string | undefined;

export function describeCheck(c: Check): string {
  return c.kind === 'exact' ? 'exact' : `between ±${c.abs}${c.rel ? ` +${c.rel * 100}%` : ''}`;
}

/** `rules` are tried in order; the last one should match everything. */
export function compareFamily(
  family: string,
  rules: readonly Rule[],
  a: Side,
  b: Side,
  c: Side,
  tolerate: Tolerate = () => undefined,
): FamilyResult {
  const rule = rules.find((r) => r.match.test(family));
  if (!rule) throw new Error(`no rule matches ${family}`);
  const ours = b.byFamily.get(family) ?? [];
  const tolerated: string[] = [];
  const result = (failures: string[]): FamilyResult => ({ family, series: ours.length, rule, failures, tolerated });
  const first = new Map((a.byFamily.get(family) ?? []).map((s) => [signature(s), s.value]));
  const last = new Map((c.byFamily.get(family) ?? []).map((s) => [signature(s), s.value]));
  if (first.size === 0 && last.size === 0) return result([`${family}: node-exporter has no such family`]);

  const failures: string[] = [];
  const ourSigs = new Set(ours.map(signature));
  // A label set in both reads must be ours too; one that came or went in between may be missing.
  for (const sig of first.keys()) {
    if (last.has(sig) && !ourSigs.has(sig)) failures.push(`${family}${sig}: node-exporter has it, we do not`);
  }
  for (const s of ours) {
    const sig = signature(s);
    const va = first.get(sig);
    const vc = last.get(sig);
    if (va === undefined && vc === undefined) {
      const why = tolerate(family, sig, a);
      if (why === undefined) failures.push(`${family}${sig}: we have it, node-exporter does not`);
      else tolerated.push(`${family}${sig}: we have it, node-exporter does not: ${why}`);
      continue;
    }
    const lo = Math.min(va ?? Infinity, vc ?? Infinity);
    const hi = Math.max(va ?? -Infinity, vc ?? -Infinity);
    const check = rule.check;
    // 1e-12 relative: node-exporter divides in another order (µs / 1000 / 1000), which can differ in the last bit.
    const eps = 1e-12 * Math.max(1, Math.abs(hi));
    const tol = check.kind === 'exact' ? 0 : check.abs + (check.rel ?? 0) * Math.max(Math.abs(lo), Math.abs(hi));
    const okValue =
      check.kind === 'exact'
        ? s.value === va || s.value === vc || Math.abs(s.value - lo) <= eps
        : s.value >= lo - tol - eps && s.value <= hi + tol + eps;
    if (!okValue)
      failures.push(`${family}${sig}: ours ${s.value}, node-exporter ${va} then ${vc} (${describeCheck(check)})`);
  }
  const theirMeta = a.meta.get(family) ?? c.meta.get(family);
  const ourMeta = b.meta.get(family);
  if (theirMeta && (theirMeta.help !== ourMeta?.help || theirMeta.type !== ourMeta.type)) {
    const show = (m: MetricMeta | undefined) => JSON.stringify([m?.help, m?.type]);
    failures.push(`${family}: HELP/TYPE ${show(ourMeta)}, node-exporter ${show(theirMeta)}`);
  }
  return result(failures);
}
