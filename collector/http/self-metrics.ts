/** kubepulse's own metrics registry: prom-client's process metrics plus build info. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Collection, MetricMeta, Source, SourceSample } from '../sources/source.js';

/**
 * How often the event-loop delay histogram behind `nodejs_eventloop_lag_*` takes a sample. prom-client's
 * default, 10 ms, is a timer a hundred times a second: 190 ms of CPU per 20 s on its own (0.95 % of a
 * core, measured on Node 24.21), as much as everything else a node collector does. A 100 ms timer still
 * sees every stall longer than that, at a tenth of the cost.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

export function createSelfRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  new Gauge({
    name: 'kubepulse_build_info',
    help: 'A metric with a constant 1 value labelled by version and Node.js runtime of kubepulse.',
    labelNames: ['version', 'nodeversion'],
    registers: [registry],
  }).set({ version, nodeversion: process.version }, 1);
  return registry;
}

export const SELF_SOURCE = 'self';

/**
 * kubepulse's own metrics as a Source, so a pipeline stores them next to
 * what it collects (as a Prometheus scrapes itself): the collector's queue
 * and source health reach the hub, `start`'s own figures its dashboard.
 */
export function createSelfMetricsSource(registry: Registry): Source {
  return {
    name: SELF_SOURCE,
    async collect(): Promise<Collection> {
      // The registry's values as they are, not rendered to text and parsed back.
      const families = await registry.getMetricsAsJSON();
      const samples: SourceSample[] = [];
      const metadata: MetricMeta[] = [];
      for (const f of families) {
        // prom-client's MetricType enum values are the exposition names: counter, gauge, histogram, summary.
        metadata.push({ name: f.name, type: String(f.type) as MetricMeta['type'], help: f.help });
        for (const v of f.values) {
          // Histograms and summaries name each value (x_bucket, x_sum, x_count).
          const name = 'metricName' in v && typeof v.metricName === 'string' ? v.metricName : f.name;
          const labels: Record<string, string> = { __name__: name };
          for (const [k, l] of Object.entries(v.labels)) if (l !== undefined) labels[k] = String(l);
          samples.push({ labels, value: v.value });
        }
      }
      return { samples, metadata, problems: [] };
    },
  };
}
