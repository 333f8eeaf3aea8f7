/**
 * The webhook integration: POSTs Alertmanager's JSON payload, version "4",
 * to the configured URL. With max_alerts set, only the first max_alerts
 * alerts are sent and truncatedAlerts says how many were left out. The URL
 * may carry a token, so it appears in errors only redacted.
 */
import type { StoredAlert } from '../../alerts/index.js';
import { alertJson, templateData } from '../../templates/index.js';
import { classifyHttp, networkFailure, redactUrl, type Integration, type NotifyOutcome } from '../integration.js';
import type { NotifyContext } from '../stage.js';

export interface WebhookOptions {
  readonly receiver: string;
  readonly index: number;
  /** Resolved at send time: url_file may change after load, as in Alertmanager. */
  readonly url: () => Promise<string | undefined>;
  readonly sendResolved: boolean;
  readonly maxAlerts: number;
  readonly timeoutMs: number;
  readonly externalUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function webhookPayload(
  ctx: NotifyContext,
  alerts: readonly StoredAlert[],
  o: Pick<WebhookOptions, 'maxAlerts' | 'externalUrl'>,
): Record<string, unknown> {
  const data = templateData(ctx.receiver, ctx.groupLabels, alerts, ctx.now, o.externalUrl);
  const kept = o.maxAlerts > 0 ? data.alerts.slice(0, o.maxAlerts) : data.alerts;
  return {
    receiver: data.receiver,
    status: data.status,
    alerts: kept.map(alertJson),
    groupLabels: data.groupLabels,
    commonLabels: data.commonLabels,
    commonAnnotations: data.commonAnnotations,
    externalURL: data.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: data.alerts.length - kept.length,
  };
}

export function webhookIntegration(o: WebhookOptions): Integration {
  return {
    name: 'webhook',
    index: o.index,
    receiver: o.receiver,
    sendResolved: o.sendResolved,
    async notify(ctx, alerts): Promise<NotifyOutcome> {
      const body = JSON.stringify(webhookPayload(ctx, alerts, o));
      let url: string | undefined;
      try {
        url = await o.url();
      } catch (e) {
        return {
          kind: 'failed',
          retryable: true,
          reason: `cannot read webhook url_file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        };
      }
      if (!url) return { kind: 'failed', retryable: false, reason: 'webhook URL is empty' };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'kubepulse-alertmanager', ...o.headers },
          body,
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(o.timeoutMs)]),
        });
        return classifyHttp(res.status, await res.text());
      } catch (e) {
        return networkFailure(e, redactUrl(url));
      }
    },
  };
}
