/** kubepulse's own metrics registry: prom-client's process metrics plus build info. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Collection, Source } from '../sources/source.js';
import { parseExposition } from '../sources/scrape/index.js';

export function createSelfRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
      const parsed = parseExposition(await registry.metrics(), registry.contentType);
      if (!parsed.ok) return { samples: [], metadata: [], problems: [{ source: 'self', place: '/metrics', message: parsed.error.message }] };
      return { samples: parsed.value.samples.map((s) => ({ labels: s.labels, value: s.value })), metadata: parsed.value.metadata, problems: [] };
    },
  };
}
