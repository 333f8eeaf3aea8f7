/**
 * The numbers behind Prometheus' /api/v1/status/tsdb, computed from the head's
 * postings index (top `limit` of each list; Prometheus shows 10 by default).
 */
import type { Head } from './head/head.js';

export interface StatEntry {
  readonly name: string;
  readonly value: number;
}

export interface TsdbStats {
  readonly headStats: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    /** Milliseconds; null while the head is empty (Prometheus prints MaxInt64/MinInt64 there). */
    readonly minTime: number | null;
    readonly maxTime: number | null;
  };
  readonly seriesCountByMetricName: readonly StatEntry[];
  readonly labelValueCountByLabelName: readonly StatEntry[];
  /** Bytes of the distinct values of each label name (UTF-8). */
  readonly memoryInBytesByLabelName: readonly StatEntry[];
  readonly seriesCountByLabelValuePair: readonly StatEntry[];
  readonly samplesAppended: number;
  readonly outOfOrderSamplesAppended: number;
  readonly walBytes: number;
}

function top(map: Map<string, number>, limit: number): StatEntry[] {
  return [...map]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([name, value]) => ({ name, value }));
}

export function headStats(head: Head, walBytes: number, limit = 10): TsdbStats {
  const byMetric = new Map<string, number>();
  const valueCount = new Map<string, number>();
  const memory = new Map<string, number>();
  const byPair = new Map<string, number>();
  let pairs = 0;
  head.index.forEachPair((name, value, count) => {
    pairs++;
    if (name === '__name__') byMetric.set(value, count);
    valueCount.set(name, (valueCount.get(name) ?? 0) + 1);
    memory.set(name, (memory.get(name) ?? 0) + Buffer.byteLength(value));
    byPair.set(`${name}=${value}`, count);
  });
  const empty = head.numSeries === 0 || head.minT > head.maxT;
  return {
    headStats: {
      numSeries: head.numSeries,
      numLabelPairs: pairs,
      chunkCount: head.chunkCount,
      minTime: empty ? null : head.minT,
      maxTime: empty ? null : head.maxT,
    },
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCount, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(byPair, limit),
    samplesAppended: head.samplesAppended,
    outOfOrderSamplesAppended: head.oooSamplesAppended,
    walBytes,
  };
}
