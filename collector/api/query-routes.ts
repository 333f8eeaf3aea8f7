/**
 * /api/v1/query, /query_range, /query_exemplars, /format_query, /parse_query.
 */
import type { Request, Router } from 'express';
import type { QueryEngine, QueryError, QueryOptions, QueryResult } from '../promql/interface.js';
import { err, ok, type Result } from '../result.js';
import { ApiError, fromQueryError, invalidParam } from './api-error.js';
import { encodeQueryValue } from './json-format.js';
import {
  formValues,
  parseDurationParam,
  parseTime,
  timeParam,
  MAX_TIME_MS,
  MIN_TIME_MS,
  type FormValues,
} from './params.js';
import { endpoint, type ApiOutcome } from './respond.js';

/** Prometheus' guard against accidental huge range queries. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface QueryRouteDeps {
  readonly engine: QueryEngine;
  readonly clock: () => number;
  /** Default lookback delta (ms) when the request has no `lookback_delta`. */
  readonly lookbackDeltaMs?: number;
  /** Default query timeout (ms); Prometheus' is 2m. */
  readonly queryTimeoutMs?: number;
  readonly formatQuery?: (expr: string) => Result<string, QueryError>;
  readonly parseQuery?: (expr: string) => Result<unknown, QueryError>;
}

export function registerQueryRoutes(router: Router, deps: QueryRouteDeps): void {
  const instant = endpoint(async (req) => {
    const form = formValues(req);
    const t = timeParam(form, 'time', deps.clock());
    if (!t.ok) return t;
    const opts = queryOptions(req, form, deps);
    if (!opts.ok) return opts;
    try {
      const r = await deps.engine.instantQuery(form.get('query') ?? '', t.value, opts.value.options);
      return toOutcome(r, opts.value.timedOut());
    } finally {
      opts.value.done();
    }
  });
  const range = endpoint(async (req) => {
    const form = formValues(req);
    const start = requiredTime(form, 'start');
    if (!start.ok) return start;
    const end = requiredTime(form, 'end');
    if (!end.ok) return end;
    if (end.value < start.value) return err(invalidParam('end', 'end timestamp must not be before start time'));
    const step = parseDurationParam(form.get('step') ?? '');
    if (!step.ok) return err(invalidParam('step', step.error));
    if (step.value <= 0) {
      return err(
        invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer'),
      );
    }
    if (Math.floor((end.value - start.value) / step.value) > MAX_POINTS_PER_SERIES) {
      return err(
        new ApiError(
          'bad_data',
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        ),
      );
    }
    const opts = queryOptions(req, form, deps);
    if (!opts.ok) return opts;
    try {
      const r = await deps.engine.rangeQuery(
        form.get('query') ?? '',
        start.value,
        end.value,
        step.value,
        opts.value.options,
      );
      return toOutcome(r, opts.value.timedOut());
    } finally {
      opts.value.done();
    }
  });
  router.get('/api/v1/query', instant);
  router.post('/api/v1/query', instant);
  router.get('/api/v1/query_range', range);
  router.post('/api/v1/query_range', range);

  // Exemplars are not stored (the receiver drops them); the answer is a valid empty list.
  const exemplars = endpoint((req): ApiOutcome => {
    const form = formValues(req);
    const start = timeParam(form, 'start', MIN_TIME_MS);
    if (!start.ok) return start;
    const end = timeParam(form, 'end', MAX_TIME_MS);
    if (!end.ok) return end;
    if (end.value < start.value)
      return err(new ApiError('bad_data', 'end timestamp must not be before start timestamp'));
    if (deps.parseQuery) {
      const parsed = deps.parseQuery(form.get('query') ?? '');
      if (!parsed.ok) return err(new ApiError('bad_data', parsed.error.message));
    }
    return ok({ data: [] });
  });
  router.get('/api/v1/query_exemplars', exemplars);
  router.post('/api/v1/query_exemplars', exemplars);

  const format = endpoint((req): ApiOutcome => {
    if (!deps.formatQuery) return err(new ApiError('unavailable', 'format_query is not available in this process'));
    const r = deps.formatQuery(formValues(req).get('query') ?? '');
    return r.ok ? ok({ data: r.value }) : err(invalidParam('query', r.error.message));
  });
  router.get('/api/v1/format_query', format);
  router.post('/api/v1/format_query', format);

  const parse = endpoint((req): ApiOutcome => {
    if (!deps.parseQuery) return err(new ApiError('unavailable', 'parse_query is not available in this process'));
    const r = deps.parseQuery(formValues(req).get('query') ?? '');
    return r.ok ? ok({ data: r.value }) : err(invalidParam('query', r.error.message));
  });
  router.get('/api/v1/parse_query', parse);
  router.post('/api/v1/parse_query', parse);
}

function requiredTime(form: FormValues, name: string): Result<number, ApiError> {
  const t = parseTime(form.get(name) ?? '');
  return t.ok ? t : err(invalidParam(name, t.error));
}

function toOutcome(r: Result<QueryResult, QueryError>, timedOut: boolean): ApiOutcome {
  // The engine only sees an aborted signal; when our timer aborted it, the client should hear "timeout".
  if (!r.ok && r.error.kind === 'canceled' && timedOut)
    return err(new ApiError('timeout', 'query timed out in expression evaluation', { cause: r.error }));
  if (!r.ok) return err(fromQueryError(r.error));
  return ok({ data: encodeQueryValue(r.value.value), warnings: r.value.warnings, infos: r.value.infos });
}

/**
 * `timeout` and `lookback_delta`, plus cancellation when the client goes away.
 * The caller must call done() to clear the timer.
 */
function queryOptions(
  req: Request,
  form: FormValues,
  deps: QueryRouteDeps,
): Result<{ options: QueryOptions; done: () => void; timedOut: () => boolean }, ApiError> {
  let timeoutMs = deps.queryTimeoutMs ?? 120_000;
  const to = form.get('timeout');
  if (to !== undefined && to !== '') {
    const d = parseDurationParam(to);
    if (!d.ok) return err(invalidParam('timeout', d.error));
    if (d.value > 0) timeoutMs = Math.min(timeoutMs, d.value);
  }
  let lookbackDeltaMs = deps.lookbackDeltaMs;
  const lb = form.get('lookback_delta');
  if (lb !== undefined && lb !== '') {
    const d = parseDurationParam(lb);
    if (!d.ok) return err(invalidParam('lookback_delta', d.error));
    if (d.value < 0) return err(invalidParam('lookback_delta', 'lookback delta must be a positive duration'));
    if (d.value > 0) lookbackDeltaMs = d.value;
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('query timed out in expression evaluation'));
  }, timeoutMs);
  const onClose = () => {
    if (!req.complete || !req.socket.writable) controller.abort(new Error('query was canceled'));
  };
  req.socket.once('close', onClose);
  const options: QueryOptions =
    lookbackDeltaMs === undefined ? { signal: controller.signal } : { signal: controller.signal, lookbackDeltaMs };
  return ok({
    options,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      req.socket.off('close', onClose);
    },
  });
}
