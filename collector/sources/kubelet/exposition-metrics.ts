/**
 * /metrics/resource and /metrics/cadvisor: Prometheus text the kubelet writes
 * itself. Samples pass through under the kubelet's names with its own
 * timestamps (it stamps each usage sample with the time cAdvisor read it,
 * which can be seconds before the scrape), plus the target's labels.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { mergeTargetLabels, parseExposition } from '../scrape/index.js';
import type { MetricMeta, SourceSample } from '../source.js';

export interface ParsedKubeletMetrics {
  readonly samples: readonly SourceSample[];
  readonly metadata: readonly MetricMeta[];
}

/**
 * Kubernetes before 1.16 named cAdvisor's pod and container labels
 * `pod_name` and `container_name` (1.14 and 1.15 sent both). Dashboards and
 * rules of today select on `pod` and `container`, so an old node's series
 * are renamed to match a new node's, and the old names are dropped so the
 * two do not become different series.
 */
const LEGACY_LABELS: readonly (readonly [legacy: string, canonical: string])[] = [
  ['pod_name', 'pod'],
  ['container_name', 'container'],
];

export function canonicalLabels(labels: Labels): Labels {
  if (labels['pod_name'] === undefined && labels['container_name'] === undefined) return labels;
  const out: Record<string, string> = { ...labels };
  for (const [legacy, canonical] of LEGACY_LABELS) {
    const old = out[legacy];
    if (old === undefined) continue;
    delete out[legacy];
    if ((out[canonical] ?? '') === '') out[canonical] = old;
  }
  return out;
}

/**
 * Parses one exposition body. `target` wins a label conflict and the
 * kubelet's value is kept as `exported_<name>`, as Prometheus does without
 * honor_labels. The error is the parser's (`line 12: …`), for the caller to
 * prefix with the URL.
 */
export function parseKubeletMetrics(
  body: Uint8Array | string,
  contentType: string | undefined,
  target: Labels,
): Result<ParsedKubeletMetrics, string> {
  // 'structure': what Prometheus' scraper takes; the kubelet's HELP text is not always spec-clean.
  const parsed = parseExposition(body, contentType, { validation: 'structure' });
  if (!parsed.ok) return err(parsed.error.message);
  const samples: SourceSample[] = [];
  for (const s of parsed.value.samples) {
    const labels = mergeTargetLabels(canonicalLabels(s.labels), target, false);
    samples.push(s.t === undefined ? { labels, value: s.value } : { labels, value: s.value, t: s.t });
  }
  return ok({ samples, metadata: parsed.value.metadata });
}
