/**
 * An integration is one configured notifier of a receiver (one entry of
 * `webhook_configs`, `email_configs`, ...). Only the notifier knows whether a
 * failure is worth retrying, so it says so in its outcome.
 */
import type { StoredAlert } from '../alerts/index.js';
import type { NotifyContext } from './stage.js';

export type NotifyOutcome =
  | { readonly kind: 'sent' }
  | {
      readonly kind: 'failed';
      readonly retryable: boolean;
      /** Safe to log: never contains a secret (URLs are redacted). */
      readonly reason: string;
      /** HTTP or SMTP status, when there was one. */
      readonly status?: number;
    };

export interface Integration {
  /** 'webhook', 'email', 'slack'. */
  readonly name: string;
  /** Position among the receiver's integrations of the same name. */
  readonly index: number;
  readonly receiver: string;
  readonly sendResolved: boolean;
  notify(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<NotifyOutcome>;
}

export function classifyHttp(status: number, body: string): NotifyOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  // 5xx and 429 may clear up on their own; any other 4xx will fail the same way again.
  const retryable = status >= 500 || status === 429;
  return { kind: 'failed', retryable, status, reason: `unexpected status code ${status}: ${body.slice(0, 200)}` };
}

/** A network-level failure (refused, reset, timeout): worth retrying. Strips anything URL-like. */
export function networkFailure(e: unknown, redactedUrl: string): NotifyOutcome {
  const cause =
    e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
  return {
    kind: 'failed',
    retryable: true,
    reason: `request to ${redactedUrl} failed: ${cause.replace(/https?:\/\/\S+/g, '<redacted>')}`,
  };
}

/** `scheme://host/<redacted>`: enough to say where a request went, without the token in the path. */
export function redactUrl(u: string): string {
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}/<redacted>`;
  } catch {
    return '<redacted>';
  }
}
