/**
 * Inhibition rules (Alertmanager's inhibit package): an alert matching a
 * rule's target matchers is muted while some other firing alert matches the
 * source matchers and has the same values for every `equal` label (a label
 * missing on both sides counts as equal). An alert matching both sides of a
 * rule cannot be inhibited by another alert matching both sides, so a rule
 * never makes two alerts mute each other.
 */
import { inhibitRuleMatchers, type InhibitRuleConfig } from '../config/index.js';
import { resolvedAt, type StoredAlert } from '../alerts/index.js';
import { matchesAll, type LabelSet, type Matcher } from '../labels/index.js';

interface InhibitRule {
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  readonly equal: readonly string[];
}

export class Inhibitor {
  readonly #rules: InhibitRule[];
  constructor(
    rules: readonly InhibitRuleConfig[],
    /** The alerts that can inhibit: the alert store's current content. */
    private readonly alerts: () => Iterable<StoredAlert>,
  ) {
    this.#rules = rules.map(inhibitRuleMatchers);
  }

  /** Fingerprints of the alerts inhibiting `labels` (empty when none does). */
  inhibitedBy(labels: LabelSet, now: number): string[] {
    const out = new Set<string>();
    for (const rule of this.#rules) {
      if (!matchesAll(rule.target, labels)) continue;
      const targetIsSource = matchesAll(rule.source, labels);
      for (const a of this.alerts()) {
        if (resolvedAt(a, now) || !matchesAll(rule.source, a.labels)) continue;
        if (targetIsSource && matchesAll(rule.target, a.labels)) continue;
        if (rule.equal.every((l) => (a.labels[l] ?? '') === (labels[l] ?? ''))) {
          out.add(a.fingerprint);
          break;
        }
      }
    }
    return [...out].sort();
  }

  mutes(labels: LabelSet, now: number): boolean {
    return this.inhibitedBy(labels, now).length > 0;
  }
}
