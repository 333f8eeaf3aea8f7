/**
 * Sends to one integration, retrying retryable failures with exponential
 * backoff until the group's next flush (Alertmanager's RetryStage). Resolved
 * alerts are left out for integrations without send_resolved; if nothing but
 * resolved alerts remain, there is nothing to send and the stage succeeds so
 * that the notification log still records the resolution.
 */
import { resolvedAt } from '../alerts/index.js';
import { err, ok } from '../result.js';
import type { Integration } from './integration.js';
import { failureReason, type NotifyMetrics } from './metrics.js';
import { NotifyError, type Stage } from './stage.js';

export interface RetryOptions {
  readonly clock: () => number;
  readonly metrics: NotifyMetrics;
  readonly log: (msg: string, fields: Readonly<Record<string, unknown>>) => void;
  /** First wait between attempts; doubled after each, up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

export const retryStage = (n: Integration, o: RetryOptions): Stage => ({
  async exec(ctx, alerts) {
    const toSend = n.sendResolved ? alerts : alerts.filter((a) => !resolvedAt(a, ctx.now));
    if (toSend.length === 0) return ok(alerts);
    let backoffMs = o.initialBackoffMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      const outcome = await n.notify(ctx, toSend);
      if (outcome.kind === 'sent') {
        o.metrics.sent(n.name);
        return ok(alerts);
      }
      o.metrics.failed(n.name, failureReason(outcome.status));
      const where = `${n.receiver}/${n.name}[${n.index}]`;
      if (!outcome.retryable) {
        return err(new NotifyError(`${where}: notify failed (attempt ${attempt}, not retrying): ${outcome.reason}`));
      }
      o.log('notify attempt failed, will retry', { integration: where, attempt, reason: outcome.reason });
      if (ctx.signal.aborted || o.clock() + backoffMs >= ctx.deadline) {
        return err(new NotifyError(`${where}: notify failed after ${attempt} attempts: ${outcome.reason}`));
      }
      await sleep(backoffMs, ctx.signal);
      backoffMs = Math.min(backoffMs * 2, o.maxBackoffMs ?? 60_000);
    }
  },
});
