/**
 * What the roles serve on /metrics and /api/v1/metadata from the pipelines'
 * latest collections: the node's metrics exposed the way node-exporter does,
 * next to kubepulse's own registry.
 */
import type { Registry } from 'prom-client';
import type { MetadataProvider, MetricMetadata } from '../../api/index.js';
import { SELF_SOURCE } from '../../http/self-metrics.js';
import type { Pipeline } from '../../pipelines/index.js';
import { writeTextExposition } from '../../sources/scrape/index.js';

export async function renderMetrics(registry: Registry, pipelines: readonly Pipeline[]): Promise<string> {
  const parts = [await registry.metrics()];
  for (const p of pipelines) {
    for (const [source, c] of p.latest()) {
      // The registry's own figures are already above.
      if (source !== SELF_SOURCE) parts.push(writeTextExposition(c.samples, c.metadata, c.constLabels && new Set(Object.keys(c.constLabels))));
    }
  }
  return parts.join('\n');
}

export function pipelineMetadata(pipelines: readonly Pipeline[]): MetadataProvider {
  return {
    snapshot() {
      const out = new Map<string, MetricMetadata[]>();
      for (const p of pipelines) {
        for (const c of p.latest().values()) {
          for (const m of c.metadata) {
            if (!out.has(m.name)) out.set(m.name, [{ type: m.type, help: m.help, unit: m.unit ?? '' }]);
          }
        }
      }
      return out;
    },
  };
}
