/**
 * One HTTP GET of a target's metrics, the way Prometheus does it: Accept
 * header for OpenMetrics/text, gzip, a timeout announced to the target in
 * X-Prometheus-Scrape-Timeout-Seconds, and a limit on the (uncompressed) body
 * so one runaway exporter cannot take the collector's memory.
 */
import { fetch, type Dispatcher, type Response } from 'undici';
import { err, ok, type Result } from '../../result.js';
import { SCRAPE_ACCEPT_HEADER } from './content-type.js';

export interface FetchBodyOptions {
  readonly timeoutMs: number;
  /** 0 or absent: no limit. */
  readonly bodyLimitBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Connection settings, e.g. an undici Agent with the TLS options of `scrapeTlsAgent`; default: verify with the system CAs. */
  readonly dispatcher?: Dispatcher;
}

export interface FetchedBody {
  /** Undecoded: the parser checks the UTF-8 and reports where it is broken. */
  readonly body: Uint8Array;
  readonly contentType?: string;
  readonly bytes: number;
}

export async function fetchMetricsBody(url: string, options: FetchBodyOptions): Promise<Result<FetchedBody, Error>> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, {
      signal,
      redirect: 'follow',
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      headers: {
        accept: SCRAPE_ACCEPT_HEADER,
        'accept-encoding': 'gzip',
        'user-agent': 'kubepulse',
        'x-prometheus-scrape-timeout-seconds': String(options.timeoutMs / 1000),
        ...options.headers,
      },
    });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel();
      return err(new Error(`server returned HTTP status ${res.status} ${res.statusText}`.trim()));
    }
    const body = await readLimited(res, options.bodyLimitBytes ?? 0);
    if (!body.ok) return body;
    const contentType = res.headers.get('content-type') ?? undefined;
    return ok({ body: body.value, bytes: body.value.byteLength, ...(contentType ? { contentType } : {}) });
  } catch (e) {
    if (timeout.aborted) return err(new Error(`scrape timed out after ${options.timeoutMs}ms`, { cause: e }));
    if (options.signal?.aborted) return err(new Error('scrape cancelled', { cause: e }));
    return err(new Error(`scrape failed: ${describeFetchError(e)}`, { cause: e }));
  }
}

/**
 * fetch() says only "fetch failed"; what went wrong (refused, reset, a
 * certificate the target's CA did not sign) is in its cause.
 */
function describeFetchError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause;
  if (!(cause instanceof Error)) return e.message;
  const code = (cause as NodeJS.ErrnoException).code;
  return `${e.message}: ${cause.message}${code !== undefined && !cause.message.includes(code) ? ` (${code})` : ''}`;
}

async function readLimited(res: Response, limit: number): Promise<Result<Uint8Array, Error>> {
  if (!res.body) return ok(new Uint8Array());
  const chunks: Uint8Array[] = [];
  let total = 0;
  // undici types its stream's chunks loosely; a fetch body's chunks are bytes.
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (limit > 0 && total > limit) {
      await reader.cancel();
      return err(new Error(`body size limit exceeded: more than ${limit} bytes`));
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return ok(out);
}
