/**
 * One alerting rule and its alerts' states, following Prometheus'
 * rules/alerting.go: pending until `for` has passed, then firing; kept firing
 * for `keep_firing_for` after the condition clears; resolved alerts are kept
 * (and resent) for 15 minutes so Alertmanager learns they ended.
 */
import type { Labels } from '../tsdb/index.js';
import type { Alert, AlertState } from './alert.js';
import { labelKey } from './label-key.js';
import { EvaluatedRule } from './rule-health.js';
import type { RuleQueryFn } from './rule-query.js';
import type { AlertingRuleSpec } from './rule-types.js';
import { expandTemplate, type QuerySample } from './template/index.js';

const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

export interface RuleEvalContext {
  readonly query: RuleQueryFn;
  readonly externalLabels: Labels;
  readonly externalUrl: string;
  /** Maximum number of pending + firing alerts; 0 for no limit. */
  readonly limit: number;
}

export interface RuleEvalResult {
  /** ALERTS and ALERTS_FOR_STATE samples to write. */
  readonly samples: readonly { labels: Labels; value: number }[];
  readonly error?: string;
}

export class AlertingRule extends EvaluatedRule {
  readonly kind = 'alerting';
  private readonly active = new Map<string, ActiveAlert>();

  constructor(
    readonly spec: AlertingRuleSpec,
    readonly groupLabels: Labels,
  ) {
    super();
  }

  get name(): string {
    return this.spec.alert;
  }

  alerts(): readonly ActiveAlert[] {
    return [...this.active.values()];
  }

  /** The rule's state: firing if any alert fires, else pending if any is pending. */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  protected override async evalInner(t: number, ctx: RuleEvalContext): Promise<RuleEvalResult> {
    const res = await ctx.query(this.spec.expr, t);
    if (!res.ok) return { samples: [], error: res.error };
    const seen = new Map<string, ActiveAlert>();
    const queryForTemplate = async (expr: string): Promise<QuerySample[]> => {
      const r = await ctx.query(expr, t);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    const errors: string[] = [];
    for (const sample of res.value) {
      const data = { labels: sample.labels, value: sample.value, externalLabels: ctx.externalLabels, externalUrl: ctx.externalUrl };
      const expand = async (key: string, text: string): Promise<string> => {
        const r = await expandTemplate(`__alert_${this.spec.alert}`, text, data, { query: queryForTemplate, now: t });
        if (r.ok) return r.value;
        // Prometheus puts the error text in place of the value and carries on.
        errors.push(`${key}: ${r.error}`);
        return `<error expanding template: ${r.error}>`;
      };
      const labels: Record<string, string> = { ...sample.labels };
      delete labels.__name__;
      for (const [k, v] of Object.entries({ ...this.groupLabels, ...this.spec.labels })) {
        const expanded = await expand(`label ${k}`, v);
        if (expanded === '') delete labels[k];
        else labels[k] = expanded;
      }
      labels.alertname = this.spec.alert;
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.spec.annotations)) annotations[k] = await expand(`annotation ${k}`, v);
      const key = labelKey(labels);
      if (seen.has(key)) return { samples: [], error: 'vector contains metrics with the same labelset after applying alert labels' };
      seen.set(key, {
        labels,
        annotations,
        state: 'pending',
        value: sample.value,
        activeAt: t,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    for (const [key, a] of seen) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
        existing.labels = a.labels;
        continue;
      }
      this.active.set(key, a);
    }

    const samples: { labels: Labels; value: number }[] = [];
    let activeCount = 0;
    for (const [key, a] of this.active) {
      if (!seen.has(key)) {
        if (this.spec.keepFiringForMs > 0 && a.state === 'firing') {
          if (a.keepFiringSince === 0) a.keepFiringSince = t;
          if (t - a.keepFiringSince < this.spec.keepFiringForMs) {
            activeCount++;
            samples.push(...this.seriesFor(a));
            continue;
          }
        }
        if (a.state === 'pending' || (a.resolvedAt !== 0 && t - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(key);
        if (a.state !== 'inactive') {
          a.state = 'inactive';
          a.resolvedAt = t;
        }
        continue;
      }
      a.keepFiringSince = 0;
      if (a.state === 'pending' && t - a.activeAt >= this.spec.forMs) {
        a.state = 'firing';
        a.firedAt = t;
      }
      activeCount++;
      samples.push(...this.seriesFor(a));
    }
    if (ctx.limit > 0 && activeCount > ctx.limit) {
      this.active.clear();
      return { samples: [], error: `exceeded limit of ${ctx.limit} with ${activeCount} alerts` };
    }
    return errors.length > 0 ? { samples, error: errors.join('; ') } : { samples };
  }

  /** ALERTS{alertstate} = 1 and ALERTS_FOR_STATE = activeAt in seconds, for restoring `for` after a restart. */
  private seriesFor(a: ActiveAlert): { labels: Labels; value: number }[] {
    return [
      { labels: { ...a.labels, __name__: 'ALERTS', alertstate: a.state }, value: 1 },
      { labels: { ...a.labels, __name__: 'ALERTS_FOR_STATE' }, value: a.activeAt / 1000 },
    ];
  }

  /** Takes over the alerts of the same rule from before a reload. */
  adoptState(previous: AlertingRule): void {
    for (const [k, a] of previous.active) this.active.set(k, a);
  }

  /**
   * Restores `activeAt` of the alerts active after the first evaluation from
   * ALERTS_FOR_STATE, so a restart does not reset `for` (Prometheus' RestoreForState).
   */
  restoreForState(lookup: (labels: Labels) => number | undefined, t: number): void {
    for (const a of this.active.values()) {
      if (a.state === 'inactive') continue;
      const restored = lookup({ ...a.labels, __name__: 'ALERTS_FOR_STATE' });
      if (restored === undefined || restored * 1000 > t) continue;
      a.activeAt = restored * 1000;
      if (a.state === 'pending' && t - a.activeAt >= this.spec.forMs) {
        a.state = 'firing';
        a.firedAt = t;
      }
    }
  }

  /**
   * The alerts to send now (Prometheus' needsSending): firing ones not sent for
   * `resendDelayMs`, and ones resolved since they were last sent.
   */
  alertsToSend(t: number, resendDelayMs: number, intervalMs: number, generatorURL: string): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const needs = a.resolvedAt > a.lastSentAt || a.lastSentAt + resendDelayMs < t;
      if (!needs) continue;
      a.lastSentAt = t;
      // Valid for four evaluations or resends, so two lost sends do not resolve it.
      a.validUntil = t + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({
        labels: { ...a.labels },
        annotations: { ...a.annotations },
        startsAt: a.firedAt,
        endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
        generatorURL,
      });
    }
    return out;
  }
}
