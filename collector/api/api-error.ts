/**
 * The closed set of API failure kinds (Prometheus' `errorType`) and the one
 * place they become HTTP status codes.
 */
import type { QueryError } from '../promql/interface.js';

export type ApiErrorKind = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** As web/api/v1/api.go maps them; 499 is the "client closed request" code Prometheus 3 uses for canceled. */
export const STATUS = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 499,
  internal: 500,
  unavailable: 503,
  not_found: 404,
} satisfies Record<ApiErrorKind, number>;

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/** `invalid parameter "start": …`, Prometheus' wording for a bad parameter. */
export const invalidParam = (name: string, message: string): ApiError =>
  new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${message}`);

export const fromQueryError = (e: QueryError): ApiError => new ApiError(e.kind, e.message, { cause: e });
