/**
 * What a new series must satisfy before the head creates it. Limits protect
 * the hub from a misbehaving target (a pod putting request IDs into labels).
 */
import { AppendError } from '../interface.js';
import type { LabelPairs } from '../labels/label-set.js';

export interface TsdbLimits {
  /** Series the head may hold; appends creating more fail with `too_many_series`. */
  readonly maxSeries?: number;
  /** In UTF-16 code units, like Prometheus' label_name_length_limit counts bytes. */
  readonly maxLabelNameLength?: number;
  readonly maxLabelValueLength?: number;
  readonly maxLabelsPerSeries?: number;
}

// A lone UTF-16 surrogate cannot be encoded as UTF-8 (the WAL, blocks and the HTTP API all need UTF-8).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A short rendering of a label set for error messages. */
export function describeSeries(pairs: LabelPairs): string {
  const parts: string[] = [];
  let name = '';
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i] === '__name__') name = pairs[i + 1]!;
    else
      parts.push(
        `${pairs[i]}=${JSON.stringify(pairs[i + 1]!.length > 40 ? pairs[i + 1]!.slice(0, 40) + '…' : pairs[i + 1])}`,
      );
  }
  const s = `${name}{${parts.join(', ')}}`;
  return s.length > 200 ? s.slice(0, 200) + '…}' : s;
}

export function checkNewSeries(pairs: LabelPairs, limits: TsdbLimits, seriesCount: number): AppendError | undefined {
  if (pairs.length === 0)
    return new AppendError('invalid_labels', 'empty label set: a series needs at least one label');
  for (let i = 0; i < pairs.length; i += 2) {
    const n = pairs[i]!;
    const v = pairs[i + 1]!;
    if (n === '') return new AppendError('invalid_labels', `empty label name in series ${describeSeries(pairs)}`);
    if (LONE_SURROGATE.test(n) || LONE_SURROGATE.test(v)) {
      return new AppendError(
        'invalid_labels',
        `label ${JSON.stringify(n)} is not valid UTF-8 in series ${describeSeries(pairs)}`,
      );
    }
    if (limits.maxLabelNameLength !== undefined && n.length > limits.maxLabelNameLength) {
      return new AppendError(
        'limit_exceeded',
        `label name ${JSON.stringify(n.slice(0, 40))}… is ${n.length} characters long, over the limit of ${limits.maxLabelNameLength}, in series ${describeSeries(pairs)}`,
      );
    }
    if (limits.maxLabelValueLength !== undefined && v.length > limits.maxLabelValueLength) {
      return new AppendError(
        'limit_exceeded',
        `value of label ${JSON.stringify(n)} is ${v.length} characters long, over the limit of ${limits.maxLabelValueLength}, in series ${describeSeries(pairs)}`,
      );
    }
  }
  if (limits.maxLabelsPerSeries !== undefined && pairs.length / 2 > limits.maxLabelsPerSeries) {
    return new AppendError(
      'limit_exceeded',
      `series ${describeSeries(pairs)} has ${pairs.length / 2} labels, over the limit of ${limits.maxLabelsPerSeries}`,
    );
  }
  if (limits.maxSeries !== undefined && seriesCount >= limits.maxSeries) {
    return new AppendError(
      'too_many_series',
      `the head already holds ${seriesCount} series, the limit; rejected new series ${describeSeries(pairs)}`,
    );
  }
  return undefined;
}
