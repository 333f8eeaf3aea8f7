import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../sources/scrape/index.js';
import { seriesIdentity } from '../../test/support/collection-lookup.js';
import { createSelfMetricsSource } from './self-metrics.js';

describe('self metrics source', () => {
  it('yields exactly the series and values the registry exposes on /metrics', async () => {
    const registry = new Registry();
    const registers = [registry];
    new Counter({ name: 'kp_sent_total', help: 'sent', labelNames: ['url'], registers }).inc({ url: 'http://hub/"x"' }, 3);
    new Gauge({ name: 'kp_queue_bytes', help: 'queue', registers }).set(1.5e9);
    const h = new Histogram({ name: 'kp_cycle_seconds', help: 'cycle', buckets: [0.005, 0.1, 2.5], labelNames: ['pipeline'], registers });
    h.observe({ pipeline: 'full' }, 0.05);
    h.observe({ pipeline: 'full' }, 3);
    const s = new Summary({ name: 'kp_size_bytes', help: 'size', percentiles: [0.5, 0.99], registers });
    s.observe(10);

    const c = await createSelfMetricsSource(registry).collect();
    const text = parseExposition(await registry.metrics(), registry.contentType);
    if (!text.ok) throw text.error;
    const asMap = (samples: readonly { labels: Readonly<Record<string, string>>; value: number }[]) =>
      new Map(samples.map((x) => [seriesIdentity(x.labels), x.value]));
    expect(asMap(c.samples)).toEqual(asMap(text.value.samples));
    expect(c.samples.length).toBe(text.value.samples.length);
    expect(c.metadata.map((m) => [m.name, m.type]).sort()).toEqual(text.value.metadata.map((m) => [m.name, m.type]).sort());
  });
});
