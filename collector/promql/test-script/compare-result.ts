/**
 * Compares a query result with an eval's expectation the way promqltest's
 * compareResult does: floats within a relative 1e-6 (NaN equals NaN), label
 * sets matched regardless of order unless `ordered`, matrices required to be
 * sorted by labels, timestamps of range results checked point by point.
 */
import type { QueryValue } from '../interface.js';
import type { Labels } from '../../tsdb/interface.js';
import { compareLabels, formatFloat, formatLabels, labelKey } from './label-set.js';
import type { EvalCommand, SequenceValue } from './script-types.js';

const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus' util/almost.Equal. */
export function almostEqual(a: number, b: number, epsilon = EPSILON): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Why a result does not match: a one-line reason plus both sides, one series per line. */
export interface Mismatch {
  readonly reason: string;
  readonly expected: readonly string[];
  readonly got: readonly string[];
}

/** The timestamps expected values map onto: value i is at startMs + i*stepMs, never past endMs. */
export interface Frame {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

export function compareResult(
  cmd: EvalCommand,
  value: QueryValue,
  frame: Frame,
  ordered: boolean,
): Mismatch | undefined {
  const miss = (reason: string): Mismatch => ({ reason, expected: describeExpected(cmd), got: describeValue(value) });
  switch (value.type) {
    case 'matrix': {
      if (ordered) return miss('expected ordered result, but query returned a matrix');
      if (cmd.expectedScalar !== undefined) return miss('expected scalar result, but got a matrix');
      for (let i = 0; i + 1 < value.series.length; i++) {
        const a = value.series[i]?.labels ?? {};
        const b = value.series[i + 1]?.labels ?? {};
        if (compareLabels(a, b) > 0)
          return miss(
            `matrix results should always be sorted by labels, but ${formatLabels(b)} comes after ${formatLabels(a)}`,
          );
      }
      const seen = new Set<string>();
      for (const s of value.series) {
        const key = labelKey(s.labels);
        const exp = cmd.expectedSeries.get(key);
        if (!exp) return miss(`unexpected metric ${formatLabels(s.labels)} in result`);
        seen.add(key);
        const want: { t: number; v: number }[] = [];
        for (let i = 0; i < exp.values.length; i++) {
          const t = frame.startMs + i * frame.stepMs;
          if (t > frame.endMs)
            return miss(
              `expected ${exp.values.length} points for ${formatLabels(exp.labels)}, but query time range cannot return this many points`,
            );
          const v = floatOf(exp.values[i] as SequenceValue);
          if (v !== undefined) want.push({ t, v });
        }
        if (want.length !== s.points.length) {
          return miss(`expected ${want.length} float points for ${formatLabels(s.labels)}, but got ${s.points.length}`);
        }
        for (let i = 0; i < want.length; i++) {
          const w = want[i] as { t: number; v: number };
          const g = s.points[i] as { t: number; v: number };
          if (w.t !== g.t)
            return miss(
              `expected float value at index ${i} for ${formatLabels(s.labels)} to have timestamp ${w.t}, but it had timestamp ${g.t}`,
            );
          if (!almostEqual(w.v, g.v))
            return miss(
              `expected float value at index ${i} (t=${g.t}) for ${formatLabels(s.labels)} to be ${formatFloat(w.v)}, but got ${formatFloat(g.v)}`,
            );
        }
      }
      for (const [key, exp] of cmd.expectedSeries)
        if (!seen.has(key)) return miss(`expected metric ${formatLabels(exp.labels)} not found`);
      return undefined;
    }
    case 'vector':
      return compareVector(cmd, value.samples, ordered, miss);
    case 'scalar': {
      if (cmd.expectedScalar === undefined) return miss('expected vector or matrix result, but got a scalar');
      if (!almostEqual(cmd.expectedScalar, value.v))
        return miss(`expected scalar ${formatFloat(cmd.expectedScalar)} but got ${formatFloat(value.v)}`);
      return undefined;
    }
    case 'string': {
      const want = cmd.expectedString ?? '';
      return want === value.v
        ? undefined
        : miss(`expected string ${JSON.stringify(want)} but got ${JSON.stringify(value.v)}`);
    }
    default: {
      const never: never = value;
      return miss(`unexpected result type ${JSON.stringify(never)}`);
    }
  }
}

export function compareVector(
  cmd: EvalCommand,
  samples: readonly { readonly labels: Labels; readonly v: number }[],
  ordered: boolean,
  miss: (reason: string) => Mismatch,
): Mismatch | undefined {
  if (cmd.expectedScalar !== undefined) return miss('expected scalar result, but got a vector');
  const seen = new Set<string>();
  for (let pos = 0; pos < samples.length; pos++) {
    const s = samples[pos] as { labels: Labels; v: number };
    const key = labelKey(s.labels);
    const exp = cmd.expectedSeries.get(key);
    if (!exp) return miss(`unexpected metric ${formatLabels(s.labels)} in result, has value ${formatFloat(s.v)}`);
    if (ordered && exp.pos !== pos + 1)
      return miss(`expected metric ${formatLabels(s.labels)} at position ${exp.pos} but was at ${pos + 1}`);
    const first = exp.values[0];
    // An omitted expected value compares as 0, as in promqltest.
    const want = first === undefined ? 0 : (floatOf(first) ?? 0);
    if (!almostEqual(want, s.v))
      return miss(`expected ${formatFloat(want)} for ${formatLabels(s.labels)} but got ${formatFloat(s.v)}`);
    seen.add(key);
  }
  for (const [key, exp] of cmd.expectedSeries)
    if (!seen.has(key)) return miss(`expected metric ${formatLabels(exp.labels)} not found`);
  return undefined;
}

/** The float an expected value stands for; undefined for a gap. Stale compares as NaN. */
function floatOf(v: SequenceValue): number | undefined {
  switch (v.kind) {
    case 'float':
      return v.v;
    case 'stale':
      return NaN;
    case 'omitted':
    case 'histogram':
      return undefined;
    default: {
      const never: never = v;
      return never;
    }
  }
}

function formatSequence(values: readonly SequenceValue[]): string {
  return values
    .map((v) =>
      v.kind === 'float' ? formatFloat(v.v) : v.kind === 'omitted' ? '_' : v.kind === 'stale' ? 'stale' : v.text,
    )
    .join(' ');
}

export function describeExpected(cmd: EvalCommand): string[] {
  if (cmd.expectedScalar !== undefined) return [`scalar ${formatFloat(cmd.expectedScalar)}`];
  if (cmd.expectedString !== undefined) return [`string ${JSON.stringify(cmd.expectedString)}`];
  const lines = [...cmd.expectedSeries.values()]
    .sort((a, b) => a.pos - b.pos)
    .map((s) => `${formatLabels(s.labels)} ${formatSequence(s.values)}`);
  return lines.length > 0 ? lines : ['(empty result)'];
}

export function describeValue(value: QueryValue): string[] {
  switch (value.type) {
    case 'matrix':
      return value.series.length === 0
        ? ['(empty matrix)']
        : value.series.map(
            (s) => `${formatLabels(s.labels)} ${s.points.map((p) => `${formatFloat(p.v)}@${p.t / 1000}s`).join(' ')}`,
          );
    case 'vector':
      return value.samples.length === 0
        ? ['(empty vector)']
        : value.samples.map((s) => `${formatLabels(s.labels)} ${formatFloat(s.v)}`);
    case 'scalar':
      return [`scalar ${formatFloat(value.v)}`];
    case 'string':
      return [`string ${JSON.stringify(value.v)}`];
    default: {
      const never: never = value;
      return [JSON.stringify(never)];
    }
  }
}
