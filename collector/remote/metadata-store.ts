/**
 * Metric metadata (TYPE, HELP, UNIT) received with remote-write requests,
 * kept in memory for /api/v1/metadata. Like Prometheus we keep every distinct
 * variant per metric (two targets may disagree on HELP), bounded per metric so
 * a misbehaving sender cannot grow it without end.
 */
import type { WireMetadata, WireMetricType } from './write-request.js';

export interface MetricMetadataEntry {
  readonly type: WireMetricType;
  readonly help: string;
  readonly unit: string;
}

export interface MetadataStoreOptions {
  /** Distinct variants kept per metric; the oldest is dropped first. Default 10. */
  readonly maxPerMetric?: number;
  /** Metrics kept at most; new names beyond it are ignored. Default 100 000. */
  readonly maxMetrics?: number;
}

export interface MetadataStore {
  add(entries: readonly WireMetadata[]): void;
  /** Metric name → its distinct metadata, names sorted. */
  snapshot(): ReadonlyMap<string, readonly MetricMetadataEntry[]>;
}

export function createMetadataStore(options: MetadataStoreOptions = {}): MetadataStore {
  const maxPerMetric = options.maxPerMetric ?? 10;
  const maxMetrics = options.maxMetrics ?? 100_000;
  const byName = new Map<string, MetricMetadataEntry[]>();
  return {
    add(entries) {
      for (const e of entries) {
        if (e.metricFamilyName === '') continue;
        let list = byName.get(e.metricFamilyName);
        if (!list) {
          if (byName.size >= maxMetrics) continue;
          list = [];
          byName.set(e.metricFamilyName, list);
        }
        const entry: MetricMetadataEntry = { type: e.type, help: e.help, unit: e.unit };
        const same = list.findIndex((x) => x.type === entry.type && x.help === entry.help && x.unit === entry.unit);
        if (same >= 0) list.splice(same, 1); // move to the end: most recently seen last
        list.push(entry);
        if (list.length > maxPerMetric) list.shift();
      }
    },
    snapshot() {
      return new Map([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
  };
}
