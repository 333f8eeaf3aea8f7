/**
 * Prometheus exposition formats and scraping.
 *
 * - Parsing: `parseExposition(body, contentType, { validation })` picks the
 *   text format 0.0.4 or OpenMetrics 1.0 parser from the Content-Type. Errors
 *   are values that name the line (and column): `line 12: expected label name,
 *   got "}" at column 9`. Default validation is the formats' own reference
 *   ('spec'); scrapes use 'structure', which takes what Prometheus takes.
 * - Writing: `writeTextExposition(samples, metadata)` for /metrics endpoints.
 * - Scraping: `ScrapeTarget` is a Source (one collect() = one scrape with
 *   report series and staleness markers); `runScrapeLoop` schedules one.
 */
export { parseExposition } from './parse-exposition.js';
export { parseText } from './parse-text.js';
export { parseOpenMetrics } from './parse-openmetrics.js';
export { writeTextExposition, formatValue } from './write-text.js';
export { formatForContentType, SCRAPE_ACCEPT_HEADER, TEXT_CONTENT_TYPE } from './content-type.js';
export { ParseError } from './exposition-types.js';
export type {
  Exemplar,
  ExposedSample,
  ExpositionFormat,
  ExpositionOptions,
  ParsedExposition,
} from './exposition-types.js';
export { ScrapeTarget } from './scrape-target.js';
export type { ScrapeHealth, ScrapeTargetOptions } from './scrape-target.js';
export { fetchMetricsBody } from './scrape-http.js';
export type { FetchBodyOptions, FetchedBody } from './scrape-http.js';
export { STALE_NAN, isStaleNaN } from './stale-nan.js';
export { mergeTargetLabels, checkLabelLimits, seriesKey } from './target-labels.js';
export type { LabelLimits } from './target-labels.js';
export { runScrapeLoop, hashOffset } from './scrape-loop.js';
export { scrapeTlsAgent } from './scrape-tls.js';
export type { ScrapeTransport } from './scrape-tls.js';
export { concatBytes, describeError, httpGet } from './http-get.js';
export type { HttpGetError } from './http-get.js';
export type { ScrapeLoopOptions } from './scrape-loop.js';
