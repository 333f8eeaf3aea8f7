/**
 * Content negotiation for scrapes: the Accept header we send and the parser
 * a response's Content-Type selects, following Prometheus' choices.
 */
import type { ExpositionFormat } from './exposition-types.js';

/**
 * What Prometheus 3 sends by default (without protobuf, which we do not parse):
 * OpenMetrics 1.0 first, then 0.0.1, then the text format, then anything.
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,' +
  'text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

/** Content-Type for what `writeTextExposition` renders. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The format a Content-Type announces. OpenMetrics for
 * `application/openmetrics-text` (any version), the text format for
 * everything else, including a missing or malformed header: that is what
 * Prometheus falls back to, and most exporters speak it.
 */
export function formatForContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text';
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics' : 'text';
}
