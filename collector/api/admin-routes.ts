/**
 * /api/v1/admin/tsdb/delete_series and /clean_tombstones. Off unless the
 * process enables them (Prometheus' --web.enable-admin-api): deleting data
 * must be a deliberate choice of whoever runs the server.
 */
import type { Router } from 'express';
import { err, ok, type Result } from '../result.js';
import type { Matcher } from '../tsdb/interface.js';
import { ApiError, invalidParam } from './api-error.js';
import { formValues, timeParam, MAX_TIME_MS, MIN_TIME_MS } from './params.js';
import { endpoint, type ApiOutcome } from './respond.js';
import { parseSeriesSelector } from './series-selector.js';

/** What the store offers for administration; collector/tsdb's Tsdb fits as it is. */
export interface TsdbAdmin {
  /** Hides samples of matching series in [minT, maxT] (ms); the value (e.g. a count) is ignored. */
  deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<unknown, Error>>;
  /** Rewrites data without the deleted samples; a store that applies tombstones on read may omit it. */
  cleanTombstones?(): Promise<Result<unknown, Error>>;
}

export interface AdminRouteDeps {
  readonly enableAdminApi: boolean;
  readonly admin?: TsdbAdmin;
}

export function registerAdminRoutes(router: Router, deps: AdminRouteDeps): void {
  const available = (): Result<TsdbAdmin, ApiError> => {
    if (!deps.enableAdminApi) return err(new ApiError('unavailable', 'admin APIs disabled'));
    if (!deps.admin) return err(new ApiError('unavailable', 'the store offers no admin operations'));
    return ok(deps.admin);
  };

  const deleteSeries = endpoint(async (req): Promise<ApiOutcome> => {
    const admin = available();
    if (!admin.ok) return admin;
    const form = formValues(req);
    const selectors = form.getAll('match[]');
    if (selectors.length === 0) return err(new ApiError('bad_data', 'no match[] parameter provided'));
    const start = timeParam(form, 'start', MIN_TIME_MS);
    if (!start.ok) return start;
    const end = timeParam(form, 'end', MAX_TIME_MS);
    if (!end.ok) return end;
    // Parse every selector before deleting anything: a typo in the third must not leave the first two done.
    const sets: Matcher[][] = [];
    for (const s of selectors) {
      const m = parseSeriesSelector(s);
      if (!m.ok) return err(invalidParam('match[]', m.error));
      sets.push(m.value);
    }
    for (const set of sets) {
      const r = await admin.value.deleteSeries(set, start.value, end.value);
      if (!r.ok) return err(new ApiError('internal', r.error.message, { cause: r.error }));
    }
    return ok(undefined);
  });
  router.post('/api/v1/admin/tsdb/delete_series', deleteSeries);
  router.put('/api/v1/admin/tsdb/delete_series', deleteSeries);

  const clean = endpoint(async (): Promise<ApiOutcome> => {
    const admin = available();
    if (!admin.ok) return admin;
    if (!admin.value.cleanTombstones) return ok(undefined);
    const r = await admin.value.cleanTombstones();
    return r.ok ? ok(undefined) : err(new ApiError('internal', r.error.message, { cause: r.error }));
  });
  router.post('/api/v1/admin/tsdb/clean_tombstones', clean);
  router.put('/api/v1/admin/tsdb/clean_tombstones', clean);
}
