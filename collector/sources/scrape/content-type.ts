/**
 * Content negotiation for scrapes: the Accept header we send and the parser
 * a response's Content-Type selects, following Prometheus' choices.
 */
import type { ExpositionFormat } from './exposition-types.js';

/**
 * Prometheus 3's default Accept header (content_negotiation.md), which leaves
 * out protobuf because we do not parse it: OpenMetrics 1.0 first, text last.
 * text/plain version=1.0.0 is 0.0.4 plus quoted UTF-8 names, which the text
 * parser reads.
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,' +
  'application/openmetrics-text;version=0.0.1;q=0.4,' +
  'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,' +
  'text/plain;version=0.0.4;q=0.2,*/*;q=0.1';

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
