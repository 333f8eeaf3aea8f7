/**
 * Sends alerts to Alertmanagers over their API v2 (`POST /api/v2/alerts`), in
 * batches, to every configured Alertmanager at once. Like Prometheus' notifier
 * it does not retry a failed send: firing alerts are resent every resend delay
 * anyway, and a resend carries the newest state.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import type { Alert, AlertSink } from './alert.js';

export interface AlertmanagerSinkOptions {
  /** Base URLs, e.g. http://alertmanager:9093 (the path /api/v2/alerts is added). */
  readonly urls: readonly string[];
  readonly timeoutMs?: number;
  /** Alerts per request; Prometheus sends 64. */
  readonly batchSize?: number;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** Extra headers, e.g. Authorization. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The JSON of one PostableAlert. */
export function toPostable(a: Alert): Record<string, unknown> {
  return {
    labels: a.labels,
    annotations: a.annotations,
    ...(a.startsAt > 0 ? { startsAt: new Date(a.startsAt).toISOString() } : {}),
    ...(a.endsAt > 0 ? { endsAt: new Date(a.endsAt).toISOString() } : {}),
    generatorURL: a.generatorURL,
  };
}

export function createAlertmanagerSink(options: AlertmanagerSinkOptions): AlertSink {
  const registers = options.registry ? [options.registry] : [];
  const sent = new Counter({ name: 'kubepulse_notifications_sent_total', help: 'Alerts sent to Alertmanagers.', labelNames: ['alertmanager'], registers });
  const errors = new Counter({
    name: 'kubepulse_notifications_errors_total',
    help: 'Alerts that could not be sent to an Alertmanager.',
    labelNames: ['alertmanager'],
    registers,
  });
  const batchSize = options.batchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const post = async (base: string, batch: readonly Alert[]): Promise<void> => {
    const url = `${base.replace(/\/$/, '')}/api/v2/alerts`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...options.headers },
        body: JSON.stringify(batch.map(toPostable)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await res.text();
      if (res.status < 200 || res.status >= 300) throw new Error(`unexpected status ${res.status}: ${body.slice(0, 200)}`);
      sent.inc({ alertmanager: base }, batch.length);
    } catch (e) {
      errors.inc({ alertmanager: base }, batch.length);
      options.logger.error('sending alerts to Alertmanager failed', { alertmanager: base, alerts: batch.length, error: e instanceof Error ? e.message : String(e) });
    }
  };

  return async (alerts) => {
    const batches: Alert[][] = [];
    for (let i = 0; i < alerts.length; i += batchSize) batches.push(alerts.slice(i, i + batchSize));
    await Promise.all(options.urls.flatMap((u) => batches.map((b) => post(u, b))));
  };
}
