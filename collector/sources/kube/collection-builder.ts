/**
 * Accumulates one collection of the kube source: samples, the HELP/TYPE of
 * each family that got samples, and problems.
 */
import type { Collection, MetricMeta, SourceProblem, SourceSample } from '../source.js';

export type LabelSet = Readonly<Record<string, string>>;

export const SOURCE_NAME = 'kube';

export const gauge = (name: string, help: string): MetricMeta => ({ name, type: 'gauge', help });
export const counter = (name: string, help: string): MetricMeta => ({ name, type: 'counter', help });

export class CollectionBuilder {
  private readonly samples: SourceSample[] = [];
  private readonly metas = new Map<string, MetricMeta>();
  private readonly problemList: SourceProblem[] = [];

  add(meta: MetricMeta, labels: LabelSet, value: number): void {
    if (!this.metas.has(meta.name)) this.metas.set(meta.name, meta);
    this.samples.push({ labels: { __name__: meta.name, ...labels }, value });
  }

  /** kube-state-metrics' three-way condition: one series per status, 1 on the one that holds. */
  condition(meta: MetricMeta, labels: LabelSet, label: string, status: string): void {
    for (const s of ['true', 'false', 'unknown'] as const) {
      this.add(meta, { ...labels, [label]: s }, conditionValue(status) === s ? 1 : 0);
    }
  }

  problem(place: string, message: string): void {
    this.problemList.push({ source: SOURCE_NAME, place, message });
  }

  build(): Collection {
    return { samples: this.samples, metadata: [...this.metas.values()], problems: this.problemList };
  }
}

/** "True"/"False"/anything else → "true"/"false"/"unknown", as the condition label spells it. */
export function conditionValue(status: string): 'true' | 'false' | 'unknown' {
  if (status === 'True') return 'true';
  if (status === 'False') return 'false';
  return 'unknown';
}

/** owner_kind/owner_name/owner_is_controller series; an object with no owner gets one series of empty values. */
export function ownerLabelSets(
  owners: readonly { readonly kind: string; readonly name: string; readonly controller?: boolean }[] | undefined,
): LabelSet[] {
  if (!owners || owners.length === 0) return [{ owner_kind: '', owner_name: '', owner_is_controller: '' }];
  return owners.map((o) => ({
    owner_kind: o.kind,
    owner_name: o.name,
    owner_is_controller: String(o.controller ?? false),
  }));
}
