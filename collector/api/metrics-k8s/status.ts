/**
 * Kubernetes `Status` bodies, the error shape every client of an API server
 * (kubectl, client-go, the aggregator) parses, with the API server's wording.
 */
import type { Response } from 'express';
import type { RequestAttributes } from './authorize.js';

export interface StatusDetails {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
}

export function sendStatus(
  res: Response,
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): void {
  res
    .status(code)
    .json({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    });
}

/** As k8s.io/apiserver words a denial, with the authorizer's reason appended when it gave one. */
export function forbiddenMessage(user: string, a: RequestAttributes, reason: string): string {
  let message: string;
  if (a.kind === 'non-resource') message = `forbidden: User "${user}" cannot ${a.verb} path "${a.path}"`;
  else {
    const what = `${a.resource}.metrics.k8s.io${a.name !== undefined ? ` "${a.name}"` : ''}`;
    const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    message = `${what} is forbidden: User "${user}" cannot ${a.verb} resource "${a.resource}" in API group "metrics.k8s.io" ${scope}`;
  }
  return reason !== '' ? `${message}: ${reason}` : message;
}
