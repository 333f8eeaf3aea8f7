/**
 * How a scraped sample's labels meet its target's labels, as Prometheus'
 * honor_labels defines it, plus the per-target label limits.
 */
import type { Labels } from '../../tsdb/interface.js';

/**
 * `honorLabels`: the exposed value wins a conflict. Otherwise the target's
 * value wins and the exposed one is kept as `exported_<name>` (as many
 * `exported_` prefixes as needed to be free). Empty values are dropped, as an
 * empty label is the same as none.
 */
export function mergeTargetLabels(exposed: Labels, target: Labels, honorLabels: boolean): Labels {
  const out: Record<string, string> = { ...exposed };
  for (const [name, value] of Object.entries(target)) {
    const mine = out[name];
    if (mine !== undefined && mine !== '') {
      if (honorLabels) continue;
      let renamed = `exported_${name}`;
      while (out[renamed] !== undefined) renamed = `exported_${renamed}`;
      out[renamed] = mine;
    }
    out[name] = value;
  }
  for (const [name, value] of Object.entries(out)) if (value === '') delete out[name];
  return out;
}

export interface LabelLimits {
  /** Most labels (including __name__) one series may have; 0 or absent: no limit. */
  readonly labelLimit?: number;
  readonly labelNameLengthLimit?: number;
  readonly labelValueLengthLimit?: number;
}

/** The first limit a series breaks, as a message, or undefined. */
export function checkLabelLimits(labels: Labels, limits: LabelLimits): string | undefined {
  const names = Object.keys(labels);
  if (limits.labelLimit && names.length > limits.labelLimit) {
    return `label_limit exceeded: ${seriesName(labels)} has ${names.length} labels, limit is ${limits.labelLimit}`;
  }
  for (const name of names) {
    if (limits.labelNameLengthLimit && name.length > limits.labelNameLengthLimit) {
      return `label_name_length_limit exceeded: label name ${JSON.stringify(name)} of ${seriesName(labels)} is longer than ${limits.labelNameLengthLimit}`;
    }
    const value = labels[name] as string;
    if (limits.labelValueLengthLimit && value.length > limits.labelValueLengthLimit) {
      return `label_value_length_limit exceeded: value of ${JSON.stringify(name)} of ${seriesName(labels)} is longer than ${limits.labelValueLengthLimit}`;
    }
  }
  return undefined;
}

/** A stable identity for a label set (order of keys does not matter). */
export function seriesKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

const seriesName = (labels: Labels): string => JSON.stringify(labels.__name__ ?? '');
