/** Notification counters, per integration kind, as Alertmanager keeps them (under kubepulse_ names). */
import { Counter, type Registry } from 'prom-client';

export interface NotifyMetrics {
  sent(integration: string): void;
  failed(integration: string, reason: FailureReason): void;
}

export type FailureReason = 'clientError' | 'serverError' | 'other';

export const failureReason = (status: number | undefined): FailureReason =>
  status === undefined
    ? 'other'
    : status >= 500 || status === 429
      ? 'serverError'
      : status >= 400
        ? 'clientError'
        : 'other';

export function notifyMetrics(registry: Registry | undefined): NotifyMetrics {
  const registers = registry ? [registry] : [];
  const total = new Counter({
    name: 'kubepulse_notifications_total',
    help: 'The total number of attempted notifications.',
    labelNames: ['integration'],
    registers,
  });
  const failedTotal = new Counter({
    name: 'kubepulse_notifications_failed_total',
    help: 'The total number of failed notifications.',
    labelNames: ['integration', 'reason'],
    registers,
  });
  return {
    sent: (integration) => total.inc({ integration }),
    failed: (integration, reason) => {
      total.inc({ integration });
      failedTotal.inc({ integration, reason });
    },
  };
}
