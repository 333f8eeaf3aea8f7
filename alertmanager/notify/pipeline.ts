/**
 * The whole notification pipeline in one place (Alertmanager's
 * BuildPipeline): per receiver, drop inhibited alerts, stop outside the
 * route's time intervals, drop silenced alerts, then notify every
 * integration concurrently, each deduplicated against the notification log,
 * retried, and recorded.
 */
import type { NamedTimeInterval } from '../config/index.js';
import type { FlushFn } from '../dispatch/index.js';
import type { NotificationLog } from '../nflog/index.js';
import { dedupStage, recordStage } from './dedup-stage.js';
import type { Integration } from './integration.js';
import { retryStage, type RetryOptions } from './retry-stage.js';
import { fanout, muteStage, sequence, type Muter, type NotifyContext, type Stage } from './stage.js';
import { timeStage } from './time-stage.js';

export interface PipelineOptions {
  /** Integrations by receiver name. */
  readonly receivers: ReadonlyMap<string, readonly Integration[]>;
  readonly inhibitor: Muter;
  readonly silences: Muter;
  readonly timeIntervals: ReadonlyMap<string, NamedTimeInterval>;
  readonly nflog: NotificationLog;
  readonly retry: RetryOptions;
  readonly signal: AbortSignal;
  readonly log: (msg: string, fields: Readonly<Record<string, unknown>>) => void;
}

export function buildPipeline(o: PipelineOptions): FlushFn {
  const perIntegration = (n: Integration): Stage =>
    sequence(dedupStage(o.nflog, n), retryStage(n, o.retry), recordStage(o.nflog, n));
  const byReceiver = new Map<string, Stage>();
  for (const [name, integrations] of o.receivers) {
    byReceiver.set(
      name,
      sequence(
        muteStage(o.inhibitor),
        timeStage(o.timeIntervals),
        muteStage(o.silences),
        fanout(...integrations.map(perIntegration)),
      ),
    );
  }
  return async (req) => {
    const receiver = req.route.opts.receiver;
    const stage = byReceiver.get(receiver);
    if (!stage) {
      o.log('no such receiver', { receiver });
      return false;
    }
    const ctx: NotifyContext = {
      receiver,
      groupKey: req.groupKey,
      groupLabels: req.groupLabels,
      now: req.now,
      repeatIntervalMs: req.route.opts.repeatIntervalMs,
      deadline: req.deadline,
      muteTimeIntervals: req.route.opts.muteTimeIntervals,
      activeTimeIntervals: req.route.opts.activeTimeIntervals,
      signal: o.signal,
    };
    const r = await stage.exec(ctx, req.alerts);
    if (!r.ok) o.log('notify failed', { receiver, groupKey: req.groupKey, error: r.error.message });
    return r.ok;
  };
}
