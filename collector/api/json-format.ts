/**
 * How Prometheus writes numbers in API responses: timestamps as JSON numbers of
 * seconds with millisecond precision, sample values as strings in Go's
 * `strconv.FormatFloat(v, 'f' or 'e', -1, 64)` spelling (`"+Inf"`, `"NaN"`,
 * `"1e-07"`), so clients that compare strings see the same text.
 */
import type { QueryValue } from '../promql/interface.js';
import type { Labels } from '../tsdb/interface.js';

/** ms → seconds; `1700000000123` → `1700000000.123`. Exact, since ms/1000 rounds to the nearest double. */
export const formatTimestamp = (t: number): number => t / 1000;

export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  // JS and Go switch to exponent notation at the same magnitudes (< 1e-6, >= 1e21);
  // Go writes at least two exponent digits.
  const s = String(v);
  // Most values have no exponent; the regular expression only runs for those that do.
  return !s.includes('e') ? s : s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Labels with keys in byte order, as Prometheus writes them (`__name__` before lower-case names). */
export function sortedLabels(l: Labels): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k] as string;
  return out;
}

type Point = [number, string];
export type JsonQueryResult =
  | { resultType: 'vector'; result: { metric: Labels; value: Point }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: Point[] }[] }
  | { resultType: 'scalar'; result: Point }
  | { resultType: 'string'; result: Point };

export function encodeQueryValue(value: QueryValue): JsonQueryResult {
  switch (value.type) {
    case 'vector':
      return {
        resultType: 'vector',
        result: value.samples.map((s) => ({
          metric: sortedLabels(s.labels),
          value: [formatTimestamp(s.t), formatSampleValue(s.v)],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({
          metric: sortedLabels(s.labels),
          values: s.points.map((p): Point => [formatTimestamp(p.t), formatSampleValue(p.v)]),
        })),
      };
    case 'scalar':
      return { resultType: 'scalar', result: [formatTimestamp(value.t), formatSampleValue(value.v)] };
    case 'string':
      return { resultType: 'string', result: [formatTimestamp(value.t), value.v] };
    default: {
      const never: never = value;
      throw new Error(`unknown query value ${JSON.stringify(never)}`);
    }
  }
}
