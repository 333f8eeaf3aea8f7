/**
 * The Prometheus HTTP API v1 as one express Router with full paths
 * (`/api/v1/...`), to be mounted at `/` of the main app.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QueryEngine, QueryError } from '../promql/interface.js';
import type { Result } from '../result.js';
import type { Queryable } from '../tsdb/interface.js';
import { registerAdminRoutes, type TsdbAdmin } from './admin-routes.js';
import { ApiError } from './api-error.js';
import { cors } from './cors.js';
import { sendError } from './respond.js';
import { registerQueryRoutes } from './query-routes.js';
import {
  registerRulesRoutes,
  type AlertmanagersProvider,
  type AlertsProvider,
  type RulesProvider,
  type TargetsProvider,
} from './rules-routes.js';
import { registerSeriesRoutes, type MetadataProvider } from './series-routes.js';
import { registerStatusRoutes, type BuildInfo, type TsdbStatus, type WalReplayStatus } from './status-routes.js';
import { requireWriteAuth, type WriteAuth } from './write-auth.js';

export interface ApiDeps {
  readonly engine: QueryEngine;
  readonly queryable: Queryable;
  /** ms since epoch; the default `time` of instant queries. */
  readonly clock?: () => number;
  /** Lookback delta (ms) for queries that do not send `lookback_delta`; the engine's default otherwise. */
  readonly lookbackDeltaMs?: number;
  /** Upper bound for query evaluation (ms), default 2m; a request's `timeout` can only lower it. */
  readonly queryTimeoutMs?: number;
  /** The remote-write receiver (collector/remote createRemoteWriteHandler); without it POST /api/v1/write answers 404. */
  readonly remoteWrite?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Sources of /api/v1/metadata, merged (e.g. the remote-write MetadataStore and the local scraper). */
  readonly metadata?: readonly MetadataProvider[];
  readonly targets?: TargetsProvider;
  readonly rules?: RulesProvider;
  readonly alerts?: AlertsProvider;
  readonly alertmanagers?: AlertmanagersProvider;
  readonly buildInfo?: BuildInfo;
  readonly config?: () => string;
  readonly flags?: () => Readonly<Record<string, string>>;
  readonly startTimeMs?: number;
  readonly storageRetention?: string;
  readonly tsdbStatus?: (limit: number) => TsdbStatus;
  readonly walReplay?: () => WalReplayStatus;
  /** Prometheus' --web.enable-admin-api; default false. */
  readonly enableAdminApi?: boolean;
  readonly admin?: TsdbAdmin;
  /** Credentials required on /api/v1/write and /api/v1/admin/*; none when omitted. */
  readonly writeAuth?: WriteAuth;
  readonly formatQuery?: (expr: string) => Result<string, QueryError>;
  readonly parseQuery?: (expr: string) => Result<unknown, QueryError>;
  /** Origins whose browsers may read API answers (Prometheus' --web.cors.origin); default all, `null` for none. */
  readonly corsOrigin?: RegExp | null;
  /** Largest accepted form body, default 10 MiB (long match[] lists). */
  readonly maxFormBytes?: number;
}

/**
 * @example
 * app.use(createApiRouter({ engine, queryable: tsdb, remoteWrite: createRemoteWriteHandler({ appendable: tsdb, metadata }), metadata: [metadata] }));
 * // curl 'http://127.0.0.1:9470/api/v1/query?query=up'
 */
export function createApiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? Date.now;

  router.use('/api/v1', cors(deps.corsOrigin === null ? undefined : (deps.corsOrigin ?? /.*/)));
  // Before the form parser: the write body is binary and read by the handler itself.
  router.post('/api/v1/write', requireWriteAuth(deps.writeAuth, 'text'), (req, res) => {
    if (!deps.remoteWrite) {
      res.status(404).type('text/plain').send('remote write receiver is not enabled in this process\n');
      return;
    }
    return deps.remoteWrite(req, res);
  });
  router.use('/api/v1/admin', requireWriteAuth(deps.writeAuth, 'json'));
  router.use('/api/v1', express.urlencoded({ extended: false, limit: deps.maxFormBytes ?? 10 * 1024 * 1024 }));

  registerQueryRoutes(router, {
    engine: deps.engine,
    clock,
    ...(deps.lookbackDeltaMs !== undefined && { lookbackDeltaMs: deps.lookbackDeltaMs }),
    ...(deps.queryTimeoutMs !== undefined && { queryTimeoutMs: deps.queryTimeoutMs }),
    ...(deps.formatQuery && { formatQuery: deps.formatQuery }),
    ...(deps.parseQuery && { parseQuery: deps.parseQuery }),
  });
  registerSeriesRoutes(router, { queryable: deps.queryable, ...(deps.metadata && { metadata: deps.metadata }) });
  registerRulesRoutes(router, {
    ...(deps.targets && { targets: deps.targets }),
    ...(deps.rules && { rules: deps.rules }),
    ...(deps.alerts && { alerts: deps.alerts }),
    ...(deps.alertmanagers && { alertmanagers: deps.alertmanagers }),
  });
  registerStatusRoutes(router, { ...deps, clock });
  registerAdminRoutes(router, {
    enableAdminApi: deps.enableAdminApi ?? false,
    ...(deps.admin && { admin: deps.admin }),
  });
  router.use('/api/v1', formErrors);
  return router;
}

/** A form body the parser refused (too large, bad charset) gets the API's error shape, not express' HTML page. */
function formErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const message = error instanceof Error ? error.message : String(error);
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
  if (status >= 400 && status < 500)
    return sendError(res, new ApiError('bad_data', `error parsing form values: ${message}`));
  sendError(res, new ApiError('internal', message));
}
