/**
 * The response envelope of every /api/v1 endpoint:
 * `{"status":"success","data":…,"warnings":[…],"infos":[…]}` or
 * `{"status":"error","errorType":"bad_data","error":"…"}` with the status code
 * the error kind maps to.
 */
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { sendText } from '../http/route.js';
import type { Result } from '../result.js';
import { ApiError, STATUS } from './api-error.js';

export interface ApiSuccess {
  readonly data: unknown;
  readonly warnings?: readonly string[];
  readonly infos?: readonly string[];
}

/** What an endpoint returns: data (or `undefined` for 204 No Content), or an ApiError. */
export type ApiOutcome = Result<ApiSuccess | undefined, ApiError>;

/** Written through node's own response, so the collector's plain shell (no express) answers the same way. */
export function sendSuccess(res: ServerResponse, body: ApiSuccess): void {
  const out: Record<string, unknown> = { status: 'success', data: body.data };
  // Omitted when empty, as Prometheus' `omitempty` does.
  if (body.warnings && body.warnings.length > 0) out.warnings = body.warnings;
  if (body.infos && body.infos.length > 0) out.infos = body.infos;
  sendText(res, 200, 'application/json', JSON.stringify(out));
}

export function sendError(res: ServerResponse, e: ApiError, warnings: readonly string[] = []): void {
  const out: Record<string, unknown> = { status: 'error', errorType: e.kind, error: e.message };
  if (warnings.length > 0) out.warnings = warnings;
  sendText(res, STATUS[e.kind], 'application/json', JSON.stringify(out));
}

/** An endpoint's outcome as its answer, unless the endpoint answered itself. */
export function sendOutcome(res: ServerResponse, outcome: ApiOutcome): void {
  if (res.headersSent) return;
  if (!outcome.ok) return sendError(res, outcome.error);
  if (outcome.value === undefined) {
    res.writeHead(204).end();
    return;
  }
  sendSuccess(res, outcome.value);
}

/** Adapts an endpoint to express; an unexpected throw becomes an `internal` error, never a crash. */
export function endpoint(fn: (req: Request, res: Response) => Promise<ApiOutcome> | ApiOutcome) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    let outcome: ApiOutcome;
    try {
      outcome = await fn(req, res);
    } catch (e) {
      outcome = {
        ok: false,
        error: new ApiError('internal', e instanceof Error ? e.message : String(e), { cause: e }),
      };
    }
    sendOutcome(res, outcome);
  };
}
