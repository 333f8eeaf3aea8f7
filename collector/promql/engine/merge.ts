/**
 * Series that end up with the same labels are one series in the result.
 * At any single step they must not both have a value: that is Prometheus'
 * "vector cannot contain metrics with the same labelset".
 */
import { EvalError } from './context.js';
import { labelsKey, withoutName, type StepSeries } from './values.js';

export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  if (series.length < 2) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = labelsKey(s.labels) + (s.dropName ? '\x00d' : '');
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.has.length; i++) {
      if (s.has[i] !== 1) continue;
      if (prev.has[i] === 1) throw new EvalError('execution', 'vector cannot contain metrics with the same labelset');
      prev.has[i] = 1;
      prev.vals[i] = s.vals[i] ?? 0;
      if (prev.ts && s.ts) prev.ts[i] = s.ts[i] ?? 0;
    }
  }
  return out;
}

/** Applies delayed name removal and merges what became equal (the query's final step). */
export function finalizeNames(series: StepSeries[]): StepSeries[] {
  // Label sets were unique until now; only dropping names can make them collide.
  if (!series.some((s) => s.dropName)) return series;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    if (s.dropName) {
      s.labels = withoutName(s.labels);
      s.dropName = false;
    }
    const key = labelsKey(s.labels);
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.has.length; i++) {
      if (s.has[i] !== 1) continue;
      if (prev.has[i] === 1) throw new EvalError('execution', 'vector cannot contain metrics with the same labelset');
      prev.has[i] = 1;
      prev.vals[i] = s.vals[i] ?? 0;
    }
  }
  return out;
}
