/**
 * The sender's self-metrics, labelled with the endpoint URL (credentials
 * removed) so several clients can share one registry, as Prometheus labels
 * its prometheus_remote_storage_* series with `url`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ClientMetrics {
  readonly sent: Counter<'url'>;
  readonly retried: Counter<'url'>;
  readonly failed: Counter<'url' | 'reason'>;
  readonly dropped: Counter<'url' | 'reason'>;
  readonly pending: Gauge<'url'>;
  readonly queueBytes: Gauge<'url'>;
  readonly batchDuration: Histogram<'url'>;
  readonly highestSent: Gauge<'url'>;
}

/** The endpoint as a label value: no user info, no query (a token may hide in either). */
export function urlLabel(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export function createClientMetrics(registry: Registry | undefined): ClientMetrics {
  const registers = registry ? [registry] : [];
  // A second client on the same registry finds the first one's metrics and adds its own url series.
  const reuse = <T>(name: string, make: () => T): T => {
    const existing = registry?.getSingleMetric(name);
    if (!existing) return make();
    // Another component may own the name (the receiver counts received samples as
    // kubepulse_remote_write_samples_total); adding our labels to its metric would throw on every send.
    const labels = (existing as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    if (!labels.includes('url')) {
      throw new Error(
        `metric ${name} is already registered by another component; give the remote-write client its own registry`,
      );
    }
    return existing as T;
  };
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    reuse(name, () => new Counter({ name, help, labelNames, registers }));
  const gauge = (name: string, help: string): Gauge<'url'> =>
    reuse(name, () => new Gauge({ name, help, labelNames: ['url'] as const, registers }));
  return {
    sent: counter(
      'kubepulse_remote_write_samples_total',
      'Samples sent to the remote-write endpoint and acknowledged.',
      ['url'],
    ),
    retried: counter(
      'kubepulse_remote_write_retried_samples_total',
      'Samples in requests that failed recoverably and were sent again.',
      ['url'],
    ),
    failed: counter(
      'kubepulse_remote_write_failed_samples_total',
      'Samples the endpoint refused with a non-retryable status; the batch was dropped.',
      ['url', 'reason'],
    ),
    dropped: counter(
      'kubepulse_remote_write_dropped_samples_total',
      'Committed samples lost before sending (queue over its size cap, damaged queue record).',
      ['url', 'reason'],
    ),
    pending: gauge('kubepulse_remote_write_pending_samples', 'Committed samples not yet acknowledged by the endpoint.'),
    queueBytes: gauge('kubepulse_remote_write_queue_bytes', 'Size of the durable queue on disk.'),
    batchDuration: reuse(
      'kubepulse_remote_write_sent_batch_duration_seconds',
      () =>
        new Histogram({
          name: 'kubepulse_remote_write_sent_batch_duration_seconds',
          help: 'Duration of remote-write requests, successful or not.',
          labelNames: ['url'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60],
          registers,
        }),
    ),
    highestSent: gauge(
      'kubepulse_remote_write_highest_sent_timestamp_seconds',
      'Newest sample timestamp the endpoint has acknowledged, in seconds since the epoch.',
    ),
  };
}
