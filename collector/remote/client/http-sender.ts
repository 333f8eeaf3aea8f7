/**
 * One remote-write request and what its answer means: sent, worth retrying
 * (network errors, 5xx, 429, with the server's Retry-After), or not (any
 * other 4xx: the same batch would fail the same way forever).
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { http } from '../../node-http.js';
import https from 'node:https';
import { REMOTE_WRITE_HEADERS } from '../write-request.js';
import type { ResolvedClientOptions } from './options.js';

export type SendOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'drop'; readonly status: number; readonly body: string };

export interface HttpSender {
  send(body: Uint8Array, signal: AbortSignal): Promise<SendOutcome>;
  close(): void;
}

const USER_AGENT = 'kubepulse-remote-write';
const BODY_PREFIX_CHARS = 200;

export function createHttpSender(o: ResolvedClientOptions, clock: () => number): HttpSender {
  const url = new URL(o.url);
  const secure = url.protocol === 'https:';
  const tls = o.tls ?? {};
  // Files are read here, at start-up, so a missing certificate is reported at once rather than per request.
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca: tls.caFile !== undefined ? readFileSync(tls.caFile) : undefined,
        cert: tls.certFile !== undefined ? readFileSync(tls.certFile) : undefined,
        key: tls.keyFile !== undefined ? readFileSync(tls.keyFile) : undefined,
        servername: tls.serverName,
        rejectUnauthorized: tls.insecureSkipVerify !== true,
      })
    : new http.Agent({ keepAlive: true });
  const token = o.bearerTokenFile !== undefined ? fileSecret(o.bearerTokenFile) : undefined;
  const password = o.basicAuth?.passwordFile !== undefined ? fileSecret(o.basicAuth.passwordFile) : undefined;

  const authorization = async (): Promise<string | undefined> => {
    if (o.basicAuth) {
      const pw = password ? await password() : (o.basicAuth.password ?? '');
      return 'Basic ' + Buffer.from(`${o.basicAuth.username}:${pw}`).toString('base64');
    }
    if (o.bearerToken !== undefined) return `Bearer ${o.bearerToken}`;
    if (token) return `Bearer ${await token()}`;
    return undefined;
  };

  const send = async (body: Uint8Array, signal: AbortSignal): Promise<SendOutcome> => {
    let auth: string | undefined;
    try {
      auth = await authorization();
    } catch (e) {
      // A rotating token file may be briefly missing; the next attempt re-reads it.
      return { kind: 'retry', reason: `reading credentials failed: ${(e as Error).message}` };
    }
    const headers: Record<string, string> = {
      ...o.headers,
      ...REMOTE_WRITE_HEADERS,
      'User-Agent': USER_AGENT,
      'Content-Length': String(body.length),
      ...(auth !== undefined ? { Authorization: auth } : {}),
    };
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const lib = secure ? https : http;
    return new Promise<SendOutcome>((resolve) => {
      const req = lib.request(url, { method: 'POST', headers, agent, signal: AbortSignal.any([signal, timeout]) });
      req.on('error', (e) => {
        const reason = timeout.aborted ? `request timed out after ${o.timeoutMs} ms` : e.message;
        resolve({ kind: 'retry', reason });
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Only the start of an error body is ever shown; do not hold a huge one.
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('error', (e) => resolve({ kind: 'retry', reason: `reading the response failed: ${e.message}` }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, BODY_PREFIX_CHARS);
          resolve(classify(status, text, res.headers['retry-after'], clock));
        });
      });
      req.end(body);
    });
  };
  return { send, close: () => agent.destroy() };
}

export function classify(
  status: number,
  body: string,
  retryAfter: string | undefined,
  clock: () => number,
): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status >= 500 || status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, clock);
    return {
      kind: 'retry',
      reason: `HTTP ${status}: ${body.trim()}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { kind: 'drop', status, body };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, clock: () => number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - clock());
}

/** A secret kept in a file, re-read when the file's size or modification time changes. */
function fileSecret(file: string): () => Promise<string> {
  let seen: { mtimeMs: number; size: number; value: string } | undefined;
  return async () => {
    const st = await stat(file);
    if (seen && seen.mtimeMs === st.mtimeMs && seen.size === st.size) return seen.value;
    const value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    seen = { mtimeMs: st.mtimeMs, size: st.size, value };
    return value;
  };
}
