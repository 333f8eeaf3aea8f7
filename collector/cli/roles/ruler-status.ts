/** The ruler's state in the shapes of Prometheus' /api/v1/rules and /api/v1/alerts. */
import { formatAlertValue, type ApiAlert, type ApiRule, type ApiRuleGroup } from '../../api/index.js';
import { AlertingRule, type ActiveAlert, type Ruler } from '../../ruler/index.js';

const rfc3339 = (ms: number): string => new Date(ms).toISOString();

function apiAlert(a: ActiveAlert): ApiAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    ...(a.state !== 'inactive' ? { activeAt: rfc3339(a.activeAt) } : {}),
    ...(a.keepFiringSince > 0 ? { keepFiringSince: rfc3339(a.keepFiringSince) } : {}),
    value: formatAlertValue(a.value),
  };
}

export function rulesStatus(ruler: Ruler): ApiRuleGroup[] {
  return ruler.ruleGroups().map((g) => ({
    name: g.name,
    file: g.file,
    interval: g.options.intervalMs / 1000,
    limit: g.options.spec.limit,
    evaluationTime: g.evaluationSeconds,
    lastEvaluation: rfc3339(g.lastEvaluationMs),
    rules: g.rules.map((r): ApiRule => {
      const common = {
        name: r.name,
        query: r.spec.expr,
        health: r.health,
        ...(r.lastError ? { lastError: r.lastError } : {}),
        evaluationTime: r.evaluationSeconds,
        lastEvaluation: rfc3339(r.lastEvaluationMs),
      };
      if (r instanceof AlertingRule) {
        return {
          ...common,
          type: 'alerting',
          duration: r.spec.forMs / 1000,
          keepFiringFor: r.spec.keepFiringForMs / 1000,
          labels: r.spec.labels,
          annotations: r.spec.annotations,
          alerts: r.alerts().filter((a) => a.state !== 'inactive').map(apiAlert),
          state: r.state(),
        };
      }
      return { ...common, type: 'recording', labels: r.spec.labels };
    }),
  }));
}

export function alertsStatus(ruler: Ruler): ApiAlert[] {
  return ruler
    .ruleGroups()
    .flatMap((g) => g.rules)
    .flatMap((r) => (r instanceof AlertingRule ? r.alerts().filter((a) => a.state !== 'inactive').map(apiAlert) : []));
}
