/**
 * A rule group: its rules evaluated in order at aligned times, results written
 * through an Appender (with staleness markers for series that vanished), alerts
 * sent after each evaluation. Follows Prometheus' rules/group.go.
 */
import { STALE_NAN, type Appendable, type Labels, type Queryable } from '../tsdb/index.js';
import type { Logger } from '../log/index.js';
import type { AlertSink } from './alert.js';
import { AlertingRule, type RuleEvalContext } from './alerting-rule.js';
import { hashString, labelKey } from './label-key.js';
import { RecordingRule } from './recording-rule.js';
import type { RuleQueryFn } from './rule-query.js';
import type { RuleGroupSpec } from './rule-types.js';

export type Rule = AlertingRule | RecordingRule;

export interface GroupOptions {
  readonly spec: RuleGroupSpec;
  readonly intervalMs: number;
  readonly queryOffsetMs: number;
  readonly query: RuleQueryFn;
  readonly appendable: Appendable;
  /** Reads ALERTS_FOR_STATE back after a restart. */
  readonly queryable: Queryable;
  readonly sink: AlertSink;
  readonly externalLabels: Labels;
  readonly externalUrl: string;
  readonly resendDelayMs: number;
  /** How long after an outage `for` state is still restored (Prometheus' --rules.alert.for-outage-tolerance). */
  readonly outageToleranceMs: number;
  readonly logger: Logger;
}

export class RuleGroup {
  readonly rules: readonly Rule[];
  private previousSeries = new Map<string, Labels>();
  private restored = false;
  lastEvaluationMs = 0;
  evaluationSeconds = 0;

  constructor(readonly options: GroupOptions) {
    const { spec } = options;
    this.rules = spec.rules.map((r) => (r.kind === 'alerting' ? new AlertingRule(r, spec.labels) : new RecordingRule(r, spec.labels)));
  }

  get name(): string {
    return this.options.spec.name;
  }
  get file(): string {
    return this.options.spec.file;
  }

  /** Prometheus' EvalTimestamp: aligned to the interval plus a stable per-group offset. */
  evalTimestamp(now: number): number {
    const { intervalMs } = this.options;
    const offset = hashString(`${this.file}\xff${this.name}`) % intervalMs;
    const adj = now - offset;
    return adj - (((adj % intervalMs) + intervalMs) % intervalMs) + offset;
  }

  /** Evaluates every rule at `t` (ms) and writes and sends what they produce. */
  async evaluate(t: number): Promise<void> {
    const started = performance.now();
    const { options } = this;
    const at = t - options.queryOffsetMs;
    const ctx: RuleEvalContext = {
      query: options.query,
      externalLabels: options.externalLabels,
      externalUrl: options.externalUrl,
      limit: options.spec.limit,
    };
    const seen = new Map<string, Labels>();
    for (const rule of this.rules) {
      const result = await rule.eval(at, ctx);
      if (result.error) options.logger.warn('rule evaluation failed', { group: this.name, file: this.file, rule: rule.name, error: result.error });
      // Each rule's results are committed before the next rule runs, as in Prometheus,
      // so a rule reading an earlier rule's output of this group sees this evaluation's.
      const app = options.appendable.appender();
      for (const s of result.samples) {
        seen.set(labelKey(s.labels), s.labels);
        const r = app.append(s.labels, at, s.value);
        if (!r.ok && r.error.kind !== 'duplicate') options.logger.warn('rule result rejected', { rule: rule.name, error: r.error.message });
      }
      const committed = await app.commit();
      if (!committed.ok) options.logger.error('writing rule results failed', { group: this.name, rule: rule.name, error: committed.error.message });
    }
    const stale = options.appendable.appender();
    for (const [key, labels] of this.previousSeries) if (!seen.has(key)) stale.append(labels, at, STALE_NAN);
    this.previousSeries = seen;
    const committed = await stale.commit();
    if (!committed.ok) options.logger.error('writing staleness markers failed', { group: this.name, error: committed.error.message });

    if (!this.restored) {
      this.restored = true;
      this.restoreForState(at);
    }
    const alerts = this.rules.flatMap((r) =>
      r instanceof AlertingRule ? r.alertsToSend(at, options.resendDelayMs, options.intervalMs, generatorUrl(options.externalUrl, r.spec.expr)) : [],
    );
    if (alerts.length > 0) {
      const withExternal = alerts.map((a) => ({ ...a, labels: { ...options.externalLabels, ...a.labels } }));
      await options.sink(withExternal).catch((e: unknown) => options.logger.error('sending alerts failed', { group: this.name, error: String(e) }));
    }
    this.lastEvaluationMs = t;
    this.evaluationSeconds = (performance.now() - started) / 1000;
  }

  private restoreForState(t: number): void {
    const { outageToleranceMs, queryable } = this.options;
    const querier = queryable.querier(t - outageToleranceMs, t - 1);
    for (const rule of this.rules) {
      if (!(rule instanceof AlertingRule) || rule.spec.forMs === 0) continue;
      rule.restoreForState((labels) => {
        const matchers = Object.entries(labels).map(([name, value]) => ({ type: '=' as const, name, value }));
        let last: number | undefined;
        for (const series of querier.select(matchers)) {
          if (Object.keys(series.labels).length !== Object.keys(labels).length) continue;
          const it = series.samples();
          while (it.next()) {
            const v = it.at().v;
            if (!Number.isNaN(v)) last = v;
          }
        }
        return last;
      }, t);
    }
  }
}

/** Prometheus links an alert to its expression on the graph page. */
function generatorUrl(externalUrl: string, expr: string): string {
  return `${externalUrl.replace(/\/$/, '')}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
}
