/**
 * The notification pipeline is a chain of stages (Alertmanager's notify.Stage):
 * each takes the alerts of one flush and returns those that survive. The
 * combinators (sequence, fanout) are stages too, so the whole pipeline is
 * built in one readable expression (pipeline.ts).
 */
import type { StoredAlert } from '../alerts/index.js';
import type { LabelSet } from '../labels/index.js';
import { ok, type Result } from '../result.js';

/** What every stage knows about the flush it works on; times in ms since epoch. */
export interface NotifyContext {
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly now: number;
  readonly repeatIntervalMs: number;
  /** Retries stop here (the group's next flush). */
  readonly deadline: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  /** Aborted when the alertmanager stops. */
  readonly signal: AbortSignal;
}

export class NotifyError extends Error {
  override readonly name = 'NotifyError';
}

export interface Stage {
  exec(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<Result<readonly StoredAlert[], NotifyError>>;
}

/** Runs stages in order and stops as soon as nothing is left to notify about. */
export const sequence = (...stages: Stage[]): Stage => ({
  async exec(ctx, alerts) {
    let current = alerts;
    for (const stage of stages) {
      if (current.length === 0) break;
      const r = await stage.exec(ctx, current);
      if (!r.ok) return r;
      current = r.value;
    }
    return ok(current);
  },
});

/**
 * Runs stages concurrently on the same alerts, so that a broken Slack hook
 * never delays email. Fails (with every failure's message) if any failed.
 */
export const fanout = (...stages: Stage[]): Stage => ({
  async exec(ctx, alerts) {
    const results = await Promise.all(stages.map((s) => s.exec(ctx, alerts)));
    const failures = results.flatMap((r) => (r.ok ? [] : [r.error.message]));
    if (failures.length > 0) return { ok: false, error: new NotifyError(failures.join('; ')) };
    return ok(alerts);
  },
});

/** Silences and inhibition rules both answer the same question. */
export interface Muter {
  mutes(labels: LabelSet, now: number): boolean;
}

export const muteStage = (muter: Muter): Stage => ({
  exec: (ctx, alerts) => Promise.resolve(ok(alerts.filter((a) => !muter.mutes(a.labels, ctx.now)))),
});
