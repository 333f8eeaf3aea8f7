/**
 * One HTTP(S) GET over node:http / node:https, read whole into memory: the
 * transport of scrapes and of the direct kubelet client. Node's own modules
 * instead of the npm undici package because the node collector loads
 * node:http anyway (its /metrics, remote write) and undici costs it ~13 MB of
 * RSS (docs/benchmarks.md, "Collector cost").
 *
 * What it does that a bare `http.request` does not: one deadline for the
 * whole exchange (connect, headers, body), cancellation by AbortSignal, gzip
 * (and deflate, br) decoded as a stream with the size limit counted on the
 * decoded bytes (a small compressed bomb is cut off as early as a big plain
 * body), redirects followed like Go's http.Client (at most 10, credentials
 * dropped when the origin changes), and one retry when a kept-alive socket
 * turns out to have been closed by the server just as it was reused.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { http } from '../../node-http.js';
import https from 'node:https';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { err, ok, type Result } from '../../result.js';

export interface HttpGetOptions {
  /** Deadline for the whole exchange, body included. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Largest decoded body accepted; 0 or absent: no limit. */
  readonly bodyLimitBytes?: number;
  /** Connection pool and TLS settings (CA, insecureSkipVerify) for https: URLs; default `https.globalAgent`. */
  readonly httpsAgent?: https.Agent;
  /** Redirects followed before giving up; default 10 (Go's http.Client, hence Prometheus). 0: none followed. */
  readonly maxRedirects?: number;
  /** Do not read the body of a non-2xx answer (a scrape reports only the status); its `body` is then empty. */
  readonly discardErrorBody?: boolean;
}

export interface HttpGetResponse {
  /** Where the answer came from, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly contentType?: string;
  /** Decoded (gzip etc.) bytes. */
  readonly body: Uint8Array;
}

/**
 * `timeout`, `cancelled`: the deadline passed or the signal fired.
 * `network`: no answer (refused, reset, DNS, TLS). `too-large`: the decoded
 * body passed the limit. `decode`: a compressed body that does not decode.
 * `redirect`: too many redirects, or one without a usable Location.
 */
export type HttpGetErrorKind = 'timeout' | 'cancelled' | 'network' | 'too-large' | 'decode' | 'redirect';

export interface HttpGetError {
  readonly kind: HttpGetErrorKind;
  /** Without the URL (callers name it their way), e.g. `connect ECONNREFUSED 127.0.0.1:9100`. */
  readonly message: string;
  readonly cause?: unknown;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 10;

/**
 * Never throws and never rejects: every failure is an `HttpGetError`.
 *
 * @example
 * const r = await httpGet('http://10.1.2.3:9100/metrics', { timeoutMs: 10_000, headers: { 'accept-encoding': 'gzip' } });
 * if (r.ok && r.value.status === 200) parse(r.value.body);
 */
export function httpGet(url: string, options: HttpGetOptions): Promise<Result<HttpGetResponse, HttpGetError>> {
  return new Promise((resolveOnce) => {
    let settled = false;
    // Dropped once settled, as are the request and its body: a kept-alive socket keeps the request's
    // listeners, and through them this closure, until its next request; the answer (a kubelet's /pods is
    // ~1 MB) must not be held that long.
    let resolve: ((r: Result<HttpGetResponse, HttpGetError>) => void) | undefined = resolveOnce;
    let request: ClientRequest | undefined;
    let body: Readable | undefined;
    const finish = (r: Result<HttpGetResponse, HttpGetError>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve?.(r);
      resolve = undefined;
    };
    /** Ends the exchange with an error and drops its socket (a half-read body cannot go back to the pool). */
    const fail = (error: HttpGetError): void => {
      finish(err(error));
      body?.destroy();
      request?.destroy();
    };
    const timer = setTimeout(
      () => fail({ kind: 'timeout', message: `timed out after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    const onAbort = (): void => fail({ kind: 'cancelled', message: 'cancelled', cause: options.signal?.reason });
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const limit = options.bodyLimitBytes ?? 0;

    const attempt = (
      target: URL,
      headers: Readonly<Record<string, string>>,
      redirects: number,
      retried: boolean,
    ): void => {
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return fail({ kind: 'network', message: `unsupported protocol ${JSON.stringify(target.protocol)}` });
      }
      const secure = target.protocol === 'https:';
      const req = (secure ? https : http).request(target, {
        method: 'GET',
        headers,
        ...(secure && options.httpsAgent ? { agent: options.httpsAgent } : {}),
      });
      request = req;
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        // A kept-alive socket the server closed while it sat in the pool fails at once; the request never
        // reached the server, so a GET is safely sent again, once, on a new socket (Go's transport does the same).
        if (!retried && req.reusedSocket && e.code === 'ECONNRESET') return attempt(target, headers, redirects, true);
        fail({ kind: 'network', message: describeError(e), cause: e });
      });
      req.on('response', (res) => {
        if (settled) return void res.destroy();
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location !== undefined && maxRedirects > 0) {
          res.resume(); // drained, so the socket goes back to the pool
          return follow(target, headers, location, redirects);
        }
        const answer = { url: target.href, status, statusText: res.statusMessage ?? '' };
        const contentType = res.headers['content-type'];
        const head = contentType !== undefined ? { ...answer, contentType } : answer;
        if (options.discardErrorBody && (status < 200 || status >= 300)) {
          res.destroy();
          return finish(ok({ ...head, body: new Uint8Array() }));
        }
        readBody(res, (bytes) => finish(ok({ ...head, body: bytes })));
      });
      req.end();
    };

    const follow = (
      from: URL,
      headers: Readonly<Record<string, string>>,
      location: string,
      redirects: number,
    ): void => {
      if (redirects >= maxRedirects)
        return fail({ kind: 'redirect', message: `stopped after ${maxRedirects} redirects` });
      let next: URL;
      try {
        next = new URL(location, from);
      } catch (e) {
        return fail({
          kind: 'redirect',
          message: `redirect to an invalid Location ${JSON.stringify(location)}`,
          cause: e,
        });
      }
      // Credentials were meant for the first origin only; Go's client and fetch both drop them on the way elsewhere.
      attempt(next, next.origin === from.origin ? headers : withoutCredentials(headers), redirects + 1, false);
    };

    const readBody = (res: IncomingMessage, done: (bytes: Uint8Array) => void): void => {
      const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
      const decoder = decoderFor(encoding);
      if (decoder === 'unsupported') {
        res.destroy();
        return fail({ kind: 'decode', message: `unsupported Content-Encoding ${JSON.stringify(encoding)}` });
      }
      const onError = (e: NodeJS.ErrnoException): void => {
        if (settled) return;
        const zlib = typeof e.code === 'string' && e.code.startsWith('Z_');
        fail(
          zlib
            ? { kind: 'decode', message: `cannot decode the ${encoding} body: ${describeError(e)}`, cause: e }
            : { kind: 'network', message: `reading the body: ${describeError(e)}`, cause: e },
        );
      };
      const stream: Readable = decoder ? pipeline(res, decoder, (e) => e && onError(e)) : res;
      if (!decoder) res.on('error', onError);
      body = stream;
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        total += chunk.byteLength;
        if (limit > 0 && total > limit) {
          return fail({ kind: 'too-large', message: `body size limit exceeded: more than ${limit} bytes` });
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (settled) return;
        const bytes = concatBytes(chunks, total);
        chunks.length = 0;
        body = undefined;
        request = undefined;
        done(bytes);
      });
    };

    let first: URL;
    try {
      first = new URL(url);
    } catch (e) {
      return fail({ kind: 'network', message: `invalid URL ${JSON.stringify(url)}`, cause: e });
    }
    attempt(first, options.headers ?? {}, 0, false);
  });
}

function decoderFor(encoding: string): Transform | undefined | 'unsupported' {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return 'unsupported';
  }
}

function withoutCredentials(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (name !== 'authorization' && name !== 'cookie') out[k] = v;
  }
  return out;
}

/** The error's message, with its code when the message does not already say it: `self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code !== undefined && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
}

/**
 * `chunks` as one fresh array of `total` bytes: not Buffer.concat, whose small
 * results are views into a shared pool that a kept body would pin.
 */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
