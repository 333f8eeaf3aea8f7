/** One recording rule: the expression's result, renamed and relabelled, written back to the store. */
import type { Labels } from '../tsdb/index.js';
import { labelKey } from './label-key.js';
import { EvaluatedRule } from './rule-health.js';
import type { RuleEvalContext, RuleEvalResult } from './alerting-rule.js';
import type { RecordingRuleSpec } from './rule-types.js';

export class RecordingRule extends EvaluatedRule {
  readonly kind = 'recording';

  constructor(
    readonly spec: RecordingRuleSpec,
    readonly groupLabels: Labels,
  ) {
    super();
  }

  get name(): string {
    return this.spec.record;
  }

  protected override async evalInner(t: number, ctx: RuleEvalContext): Promise<RuleEvalResult> {
    const res = await ctx.query(this.spec.expr, t);
    if (!res.ok) return { samples: [], error: res.error };
    const seen = new Set<string>();
    const samples: { labels: Labels; value: number }[] = [];
    for (const s of res.value) {
      const labels: Record<string, string> = { ...s.labels, __name__: this.spec.record };
      for (const [k, v] of Object.entries({ ...this.groupLabels, ...this.spec.labels })) {
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      const key = labelKey(labels);
      if (seen.has(key)) return { samples: [], error: 'vector contains metrics with the same labelset after applying rule labels' };
      seen.add(key);
      samples.push({ labels, value: s.value });
    }
    if (ctx.limit > 0 && samples.length > ctx.limit) {
      return { samples: [], error: `exceeded limit of ${ctx.limit} with ${samples.length} series` };
    }
    return { samples };
  }
}
