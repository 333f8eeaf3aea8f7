/**
 * /api/v1/targets, /rules and /alerts. The data comes from providers the
 * process wires in (scrape manager, ruler); this file only filters and shapes
 * it. Field names are Prometheus 3's, so Grafana and promtool read them.
 */
import type { Router } from 'express';
import { err, ok } from '../result.js';
import type { Labels } from '../tsdb/interface.js';
import { invalidParam } from './api-error.js';
import { formValues, type FormValues } from './params.js';
import { endpoint, type ApiOutcome } from './respond.js';

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface ApiTarget {
  readonly discoveredLabels: Labels;
  readonly labels: Labels;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly globalUrl: string;
  readonly lastError: string;
  /** RFC 3339 time of the last scrape. */
  readonly lastScrape: string;
  /** Seconds. */
  readonly lastScrapeDuration: number;
  readonly health: TargetHealth;
  /** Durations as Prometheus writes them, e.g. "15s". */
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
}
export interface ApiDroppedTarget {
  readonly discoveredLabels: Labels;
  readonly scrapePool: string;
}
export interface TargetsSnapshot {
  readonly active: readonly ApiTarget[];
  readonly dropped: readonly ApiDroppedTarget[];
}
export type TargetsProvider = () => TargetsSnapshot;

export type AlertState = 'inactive' | 'pending' | 'firing';
export interface ApiAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly state: AlertState;
  /** RFC 3339; absent for inactive alerts. */
  readonly activeAt?: string;
  readonly keepFiringSince?: string;
  /** Go's `%e` spelling of the value, e.g. "1e+00" (see formatAlertValue). */
  readonly value: string;
}
export type RuleHealth = 'ok' | 'err' | 'unknown';
export interface ApiAlertingRule {
  readonly type: 'alerting';
  readonly name: string;
  readonly query: string;
  /** `for`, seconds. */
  readonly duration: number;
  readonly keepFiringFor: number;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly alerts: readonly ApiAlert[];
  readonly state: AlertState;
  readonly health: RuleHealth;
  readonly lastError?: string;
  /** Seconds. */
  readonly evaluationTime: number;
  /** RFC 3339. */
  readonly lastEvaluation: string;
}
export interface ApiRecordingRule {
  readonly type: 'recording';
  readonly name: string;
  readonly query: string;
  readonly labels?: Labels;
  readonly health: RuleHealth;
  readonly lastError?: string;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
}
export type ApiRule = ApiAlertingRule | ApiRecordingRule;
export interface ApiRuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly ApiRule[];
  /** Seconds. */
  readonly interval: number;
  readonly limit: number;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
}
export type RulesProvider = () => readonly ApiRuleGroup[];
export type AlertsProvider = () => readonly ApiAlert[];
/** URLs of the Alertmanagers alerts are sent to (active) and of those discovered but dropped. */
export type AlertmanagersProvider = () => { readonly active: readonly string[]; readonly dropped: readonly string[] };

export interface RulesRouteDeps {
  readonly targets?: TargetsProvider;
  readonly rules?: RulesProvider;
  /** Defaults to the alerts of the alerting rules that `rules` returns. */
  readonly alerts?: AlertsProvider;
  readonly alertmanagers?: AlertmanagersProvider;
}

/** Go's `strconv.FormatFloat(v, 'e', -1, 64)`, the spelling of an alert's value. */
export function formatAlertValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * GET /api/v1/targets with its `state` and `scrapePool` filters. On its own for
 * the collector, whose plain HTTP shell serves this one endpoint.
 */
export function targetsOutcome(targets: TargetsProvider | undefined, form: FormValues): ApiOutcome {
  const state = (form.get('state') ?? '').toLowerCase();
  const pool = form.get('scrapePool') ?? '';
  const snap = targets?.() ?? { active: [], dropped: [] };
  const inPool = (p: string) => pool === '' || p === pool;
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const droppedTargetCounts: Record<string, number> = {};
  for (const d of snap.dropped) droppedTargetCounts[d.scrapePool] = (droppedTargetCounts[d.scrapePool] ?? 0) + 1;
  return ok({
    data: {
      activeTargets: showActive ? snap.active.filter((t) => inPool(t.scrapePool)) : [],
      droppedTargets: showDropped ? snap.dropped.filter((t) => inPool(t.scrapePool)) : [],
      droppedTargetCounts,
    },
  });
}

export function registerRulesRoutes(router: Router, deps: RulesRouteDeps): void {
  router.get(
    '/api/v1/targets',
    endpoint((req) => targetsOutcome(deps.targets, formValues(req))),
  );

  router.get(
    '/api/v1/rules',
    endpoint((req): ApiOutcome => {
      const form = formValues(req);
      const type = (form.get('type') ?? '').toLowerCase();
      if (type !== '' && type !== 'alert' && type !== 'record')
        return err(invalidParam('type', `not supported value ${JSON.stringify(type)}`));
      const names = new Set(form.getAll('rule_name[]'));
      const groups = new Set(form.getAll('rule_group[]'));
      const files = new Set(form.getAll('file[]'));
      const excludeAlerts = (form.get('exclude_alerts') ?? '') === 'true';
      const filtered = type !== '' || names.size > 0;
      const out = [];
      for (const g of deps.rules?.() ?? []) {
        if (groups.size > 0 && !groups.has(g.name)) continue;
        if (files.size > 0 && !files.has(g.file)) continue;
        const rules = g.rules
          .filter(
            (r) =>
              (type === '' || (type === 'alert') === (r.type === 'alerting')) &&
              (names.size === 0 || names.has(r.name)),
          )
          .map((r) => (excludeAlerts && r.type === 'alerting' ? { ...r, alerts: [] } : r));
        if (filtered && rules.length === 0) continue;
        out.push({ ...g, rules });
      }
      return ok({ data: { groups: out } });
    }),
  );

  router.get(
    '/api/v1/alertmanagers',
    endpoint((): ApiOutcome => {
      const am = deps.alertmanagers?.() ?? { active: [], dropped: [] };
      return ok({
        data: {
          activeAlertmanagers: am.active.map((url) => ({ url })),
          droppedAlertmanagers: am.dropped.map((url) => ({ url })),
        },
      });
    }),
  );

  router.get(
    '/api/v1/alerts',
    endpoint((): ApiOutcome => {
      const alerts =
        deps.alerts?.() ??
        (deps.rules?.() ?? []).flatMap((g) => g.rules.flatMap((r) => (r.type === 'alerting' ? r.alerts : [])));
      return ok({ data: { alerts } });
    }),
  );
}
