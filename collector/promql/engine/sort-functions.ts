/**
 * sort, sort_desc, sort_by_label, sort_by_label_desc. Only an instant
 * query's order is affected; range query results are ordered by labels.
 */
import { compareLabels, type StepSeries } from './values.js';

type Vec = { type: 'vector'; series: StepSeries[] };

/** Natural order for label values: digit runs compare as numbers. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function labelCompare(a: StepSeries, b: StepSeries, names: string[]): number {
  for (const n of names) {
    const c = naturalCompare(a.labels[n] ?? '', b.labels[n] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

export function sortSeriesFunction(name: string, v: Vec, labelNames: string[]): Vec {
  const val = (s: StepSeries): number => s.vals[s.vals.length - 1] ?? NaN;
  const series = [...v.series];
  switch (name) {
    case 'sort':
    case 'sort_desc': {
      const dir = name === 'sort' ? 1 : -1;
      series.sort((a, b) => {
        const x = val(a);
        const y = val(b);
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return dir * (x - y);
      });
      break;
    }
    default: {
      const dir = name === 'sort_by_label' ? 1 : -1;
      series.sort((a, b) => dir * (labelCompare(a, b, labelNames) || compareLabels(a.labels, b.labels)));
    }
  }
  return { type: 'vector', series };
}
