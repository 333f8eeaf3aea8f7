/** The kube source's collection builder, with kube-state-metrics' condition series. */
import { CollectionBuilder as SourceCollectionBuilder, type LabelSet } from '../collection-builder.js';
import type { MetricMeta } from '../source.js';

export { counter, gauge, type LabelSet } from '../collection-builder.js';

export const SOURCE_NAME = 'kube';

export class CollectionBuilder extends SourceCollectionBuilder {
  constructor() {
    super(SOURCE_NAME);
  }

  /** kube-state-metrics' three-way condition: one series per status, 1 on the one that holds. */
  condition(meta: MetricMeta, labels: LabelSet, label: string, status: string): void {
    for (const s of ['true', 'false', 'unknown'] as const) {
      this.add(meta, { ...labels, [label]: s }, conditionValue(status) === s ? 1 : 0);
    }
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
