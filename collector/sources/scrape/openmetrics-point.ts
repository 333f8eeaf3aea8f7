/**
 * The rules OpenMetrics 1.0 puts on one MetricPoint of a histogram or
 * gaugehistogram: buckets sorted by `le` and cumulative, an `+Inf` bucket,
 * `_count`/`_sum` (`_gcount`/`_gsum`) together or not at all and the count
 * equal to the `+Inf` bucket, and no sum once a bucket threshold is negative.
 */
import type { OmType } from './openmetrics-line.js';

export interface PointState {
  readonly lineNo: number;
  buckets: number; // how many buckets so far
  lastLe?: number;
  lastBucketValue?: number;
  infValue?: number;
  negativeLe: boolean;
  count?: number;
  sum?: number;
  createdMs?: number;
  /** Indexes (into the parser's sample list) of this point's samples, to receive createdT. */
  readonly sampleIndexes: number[];
}

export const newPoint = (lineNo: number): PointState => ({ lineNo, buckets: 0, negativeLe: false, sampleIndexes: [] });

/** Adds a bucket; returns a problem or undefined. */
export function addBucket(p: PointState, le: number, value: number): string | undefined {
  if (p.lastLe !== undefined && le <= p.lastLe) return 'buckets must be sorted by "le" with no repeats';
  if (p.lastBucketValue !== undefined && value < p.lastBucketValue) return 'bucket values must not decrease with "le"';
  p.buckets++;
  p.lastLe = le;
  p.lastBucketValue = value;
  if (le < 0) p.negativeLe = true;
  if (le === Infinity) p.infValue = value;
  return undefined;
}

/** Checks a complete histogram or gaugehistogram point. */
export function finishHistogramPoint(type: OmType, p: PointState): string | undefined {
  const [countName, sumName] = type === 'histogram' ? ['_count', '_sum'] : ['_gcount', '_gsum'];
  if (p.infValue === undefined) return 'a histogram point needs a bucket with le="+Inf"';
  if ((p.count === undefined) !== (p.sum === undefined)) {
    return `${countName} and ${sumName} must both be present or both be absent`;
  }
  if (p.count !== undefined && p.count !== p.infValue) {
    return `${countName} (${p.count}) must equal the le="+Inf" bucket (${p.infValue})`;
  }
  if (p.sum !== undefined) {
    if (type === 'histogram' && p.negativeLe) return `a histogram with negative buckets must not have ${sumName}`;
    if (p.sum < 0 && !p.negativeLe) return `${sumName} must not be negative without negative buckets`;
  }
  return undefined;
}
