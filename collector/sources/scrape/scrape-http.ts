/**
 * One HTTP GET of a target's metrics, the way Prometheus does it: Accept
 * header for OpenMetrics/text, gzip, a timeout announced to the target in
 * X-Prometheus-Scrape-Timeout-Seconds, redirects followed (at most 10, as
 * Go's client), and a limit on the (uncompressed) body so one runaway
 * exporter cannot take the collector's memory.
 */
import { err, ok, type Result } from '../../result.js';
import { SCRAPE_ACCEPT_HEADER } from './content-type.js';
import { httpGet, type HttpGetError } from './http-get.js';
import type { ScrapeTransport } from './scrape-tls.js';

export interface FetchBodyOptions {
  readonly timeoutMs: number;
  /** 0 or absent: no limit. */
  readonly bodyLimitBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** TLS settings for https targets, from `scrapeTlsAgent`; default: verify with the system CAs. */
  readonly transport?: ScrapeTransport;
}

export interface FetchedBody {
  /** Undecoded: the parser checks the UTF-8 and reports where it is broken. */
  readonly body: Uint8Array;
  readonly contentType?: string;
  readonly bytes: number;
}

export async function fetchMetricsBody(url: string, options: FetchBodyOptions): Promise<Result<FetchedBody, Error>> {
  const res = await httpGet(url, {
    timeoutMs: options.timeoutMs,
    headers: {
      accept: SCRAPE_ACCEPT_HEADER,
      'accept-encoding': 'gzip',
      'user-agent': 'kubepulse',
      'x-prometheus-scrape-timeout-seconds': String(options.timeoutMs / 1000),
      ...options.headers,
    },
    discardErrorBody: true,
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.transport ? { httpsAgent: options.transport } : {}),
  });
  if (!res.ok) return err(scrapeError(res.error, options.timeoutMs));
  const { status, statusText, body, contentType } = res.value;
  if (status < 200 || status >= 300) {
    return err(new Error(`server returned HTTP status ${status} ${statusText}`.trim()));
  }
  return ok({ body, bytes: body.byteLength, ...(contentType ? { contentType } : {}) });
}

/** The wording the scrape manager's failure reasons (`classifyScrapeError`) and /api/v1/targets users know. */
function scrapeError(e: HttpGetError, timeoutMs: number): Error {
  const cause = { cause: e.cause };
  switch (e.kind) {
    case 'timeout':
      return new Error(`scrape timed out after ${timeoutMs}ms`, cause);
    case 'cancelled':
      return new Error('scrape cancelled', cause);
    case 'too-large':
      return new Error(e.message, cause);
    case 'network':
      // "fetch failed" as when this was fetch(): logs and alerts already match on it.
      return new Error(`scrape failed: fetch failed: ${e.message}`, cause);
    case 'decode':
    case 'redirect':
      return new Error(`scrape failed: ${e.message}`, cause);
    default: {
      const never: never = e.kind;
      return new Error(`scrape failed: ${String(never)}`);
    }
  }
}
