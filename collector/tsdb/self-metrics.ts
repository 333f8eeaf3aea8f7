/**
 * The store's own metrics on a prom-client registry. Values are read from the
 * head when the registry is scraped, so appending costs nothing extra.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Head, RejectReason } from './head/head.js';

export interface SelfMetricsSource {
  readonly head: Head;
  walBytes(): number;
  /** Seconds the last WAL replay took; 0 without a WAL. */
  replaySeconds(): number;
}

const REASONS: readonly RejectReason[] = [
  'out_of_order',
  'out_of_bounds',
  'duplicate',
  'too_many_series',
  'invalid_labels',
  'limit_exceeded',
];

export function registerSelfMetrics(registry: Registry, src: SelfMetricsSource): void {
  // Reopening a store on the same registry (tests, restarts in-process) replaces the old metrics.
  const names = [
    'kubepulse_tsdb_head_series',
    'kubepulse_tsdb_head_samples_appended_total',
    'kubepulse_tsdb_head_chunks',
    'kubepulse_tsdb_wal_bytes',
    'kubepulse_tsdb_wal_replay_duration_seconds',
    'kubepulse_tsdb_out_of_order_samples_total',
    'kubepulse_tsdb_rejected_samples_total',
  ];
  for (const n of names) if (registry.getSingleMetric(n)) registry.removeSingleMetric(n);
  const registers = [registry];
  new Gauge({
    name: 'kubepulse_tsdb_head_series',
    help: 'Series in the head.',
    registers,
    collect() {
      this.set(src.head.numSeries);
    },
  });
  new Counter({
    name: 'kubepulse_tsdb_head_samples_appended_total',
    help: 'Samples appended to the head.',
    registers,
    collect() {
      this.reset();
      this.inc(src.head.samplesAppended);
    },
  });
  new Gauge({
    name: 'kubepulse_tsdb_head_chunks',
    help: 'Chunks in the head.',
    registers,
    collect() {
      this.set(src.head.chunkCount);
    },
  });
  new Gauge({
    name: 'kubepulse_tsdb_wal_bytes',
    help: 'Bytes in the write-ahead log segments.',
    registers,
    collect() {
      this.set(src.walBytes());
    },
  });
  new Gauge({
    name: 'kubepulse_tsdb_wal_replay_duration_seconds',
    help: 'How long the WAL replay at open took.',
    registers,
    collect() {
      this.set(src.replaySeconds());
    },
  });
  new Counter({
    name: 'kubepulse_tsdb_out_of_order_samples_total',
    help: 'Samples accepted out of order (inside the window).',
    registers,
    collect() {
      this.reset();
      this.inc(src.head.oooSamplesAppended);
    },
  });
  new Counter({
    name: 'kubepulse_tsdb_rejected_samples_total',
    help: 'Samples the head refused, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const r of REASONS) this.inc({ reason: r }, src.head.rejected[r]);
    },
  });
}
