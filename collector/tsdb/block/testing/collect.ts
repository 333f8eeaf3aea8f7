/** Drains queriers into plain data for comparisons in tests. */
import type { Labels, Querier, Sample, SampleIterator } from '../../interface.js';
import type { Matcher } from '../../interface.js';

export function drain(it: SampleIterator): Sample[] {
  const out: Sample[] = [];
  while (it.next()) out.push(it.at());
  return out;
}

export function selectAll(q: Querier, matchers: readonly Matcher[]): { labels: Labels; samples: Sample[] }[] {
  return [...q.select(matchers)].map((s) => ({ labels: { ...s.labels }, samples: drain(s.samples()) }));
}
