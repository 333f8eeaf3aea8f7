/**
 * /api/v1/series, /labels, /label/:name/values and /metadata: questions about
 * what is stored, answered straight from the Queryable (no PromQL).
 */
import type { Router } from 'express';
import { err, ok, type Result } from '../result.js';
import type { Labels, Matcher, Queryable } from '../tsdb/interface.js';
import { ApiError, invalidParam } from './api-error.js';
import { sortedLabels } from './json-format.js';
import { formValues, limitParam, timeParam, MAX_TIME_MS, MIN_TIME_MS, type FormValues } from './params.js';
import { endpoint, type ApiOutcome } from './respond.js';
import { parseSeriesSelector } from './series-selector.js';

export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** Where /api/v1/metadata reads from; the remote-write MetadataStore is one. */
export interface MetadataProvider {
  /** Metric name → its distinct metadata variants. */
  snapshot(): ReadonlyMap<string, readonly MetricMetadata[]>;
}

export interface SeriesRouteDeps {
  readonly queryable: Queryable;
  readonly metadata?: readonly MetadataProvider[];
}

const TRUNCATED = 'results truncated due to limit';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function registerSeriesRoutes(router: Router, deps: SeriesRouteDeps): void {
  const series = endpoint((req): ApiOutcome => {
    const form = formValues(req);
    if (form.getAll('match[]').length === 0) return err(new ApiError('bad_data', 'no match[] parameter provided'));
    const q = rangeAndMatchers(form, true);
    if (!q.ok) return q;
    const querier = deps.queryable.querier(q.value.start, q.value.end);
    const seen = new Map<string, Labels>();
    for (const set of q.value.matcherSets) {
      for (const s of querier.select(set)) seen.set(labelsKey(s.labels), s.labels);
    }
    const sorted = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => sortedLabels(l));
    return truncate(sorted, q.value.limit);
  });
  router.get('/api/v1/series', series);
  router.post('/api/v1/series', series);

  const labels = endpoint((req): ApiOutcome => {
    const q = rangeAndMatchers(formValues(req), false);
    if (!q.ok) return q;
    const querier = deps.queryable.querier(q.value.start, q.value.end);
    const names = new Set<string>();
    if (q.value.matcherSets.length === 0) for (const n of querier.labelNames()) names.add(n);
    for (const set of q.value.matcherSets) for (const n of querier.labelNames(set)) names.add(n);
    return truncate([...names].sort(), q.value.limit);
  });
  router.get('/api/v1/labels', labels);
  router.post('/api/v1/labels', labels);

  router.get(
    '/api/v1/label/:name/values',
    endpoint((req): ApiOutcome => {
      const param = req.params.name;
      const name = typeof param === 'string' ? param : '';
      if (!LABEL_NAME.test(name)) return err(new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`));
      const q = rangeAndMatchers(formValues(req), false);
      if (!q.ok) return q;
      const querier = deps.queryable.querier(q.value.start, q.value.end);
      const values = new Set<string>();
      if (q.value.matcherSets.length === 0) for (const v of querier.labelValues(name)) values.add(v);
      for (const set of q.value.matcherSets) for (const v of querier.labelValues(name, set)) values.add(v);
      return truncate([...values].sort(), q.value.limit);
    }),
  );

  router.get(
    '/api/v1/metadata',
    endpoint((req): ApiOutcome => {
      const form = formValues(req);
      const limit = limitParam(form, 'limit');
      if (!limit.ok) return limit;
      const perMetric = limitParam(form, 'limit_per_metric');
      if (!perMetric.ok) return perMetric;
      const metric = form.get('metric') ?? '';
      const merged = new Map<string, MetricMetadata[]>();
      for (const provider of deps.metadata ?? []) {
        for (const [name, entries] of provider.snapshot()) {
          if (metric !== '' && name !== metric) continue;
          const list = merged.get(name) ?? [];
          for (const e of entries) {
            if (!list.some((x) => x.type === e.type && x.help === e.help && x.unit === e.unit)) {
              list.push({ type: e.type, help: e.help, unit: e.unit });
            }
          }
          merged.set(name, list);
        }
      }
      const data: Record<string, MetricMetadata[]> = {};
      for (const name of [...merged.keys()].sort()) {
        if (limit.value > 0 && Object.keys(data).length >= limit.value) break;
        const list = merged.get(name) ?? [];
        data[name] = perMetric.value > 0 ? list.slice(0, perMetric.value) : list;
      }
      return ok({ data });
    }),
  );
}

interface RangeQuery {
  readonly start: number;
  readonly end: number;
  readonly matcherSets: Matcher[][];
  readonly limit: number;
}

function rangeAndMatchers(form: FormValues, forSeries: boolean): Result<RangeQuery, ApiError> {
  const start = timeParam(form, 'start', MIN_TIME_MS);
  if (!start.ok) return start;
  const end = timeParam(form, 'end', MAX_TIME_MS);
  if (!end.ok) return end;
  const limit = limitParam(form);
  if (!limit.ok) return limit;
  const matcherSets: Matcher[][] = [];
  for (const text of form.getAll('match[]')) {
    const m = parseSeriesSelector(text);
    if (!m.ok) return err(forSeries ? invalidParam('match[]', m.error) : new ApiError('bad_data', m.error));
    matcherSets.push(m.value);
  }
  return ok({ start: start.value, end: end.value, matcherSets, limit: limit.value });
}

function truncate<T>(items: T[], limit: number): ApiOutcome {
  if (limit > 0 && items.length > limit) return ok({ data: items.slice(0, limit), warnings: [TRUNCATED] });
  return ok({ data: items });
}

function labelsKey(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}\xff${l[k] ?? ''}`)
    .join('\xfe');
}
