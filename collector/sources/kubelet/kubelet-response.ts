/**
 * What came back from a kubelet, and every way it can be wrong. A wrong
 * answer is a value naming the URL and what was wrong with it, so one sick
 * kubelet shows up as a problem next to the others' samples.
 */
import type { Response } from 'undici';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';

export interface KubeletResponse {
  readonly url: string;
  /** Undecoded: the exposition parser checks UTF-8 itself and says where it breaks. */
  readonly body: Uint8Array;
  readonly contentType?: string;
}

/**
 * `config`: credentials or CA could not be read. `timeout`, `cancelled`,
 * `network`: no (whole) answer. `http`: a non-2xx status. `too-large`: over
 * the body limit. `html`: a web page instead of metrics or JSON (a login
 * proxy, a misrouted port). `decode`: the body is not what the endpoint
 * serves (bad JSON, bad exposition).
 */
export type KubeletErrorKind =
  'config' | 'timeout' | 'cancelled' | 'network' | 'http' | 'too-large' | 'html' | 'decode';

export interface KubeletError {
  readonly url: string;
  readonly kind: KubeletErrorKind;
  /** Starts with `GET <url>:`. */
  readonly message: string;
  readonly status?: number;
}

export async function readKubeletResponse(
  url: string,
  path: string,
  res: Response,
  bodyLimitBytes: number,
): Promise<Result<KubeletResponse, KubeletError>> {
  const contentType = res.headers.get('content-type') ?? undefined;
  const body = await readLimited(res, bodyLimitBytes);
  if (!body.ok) return err({ url, kind: 'too-large', message: `GET ${url}: ${body.error}` });
  if (res.status < 200 || res.status >= 300) {
    return err({
      url,
      kind: 'http',
      status: res.status,
      message: `GET ${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: ${excerpt(body.value)}`,
    });
  }
  if (looksLikeHtml(contentType, body.value)) {
    return err({
      url,
      kind: 'html',
      message: `GET ${url}: expected ${path.startsWith('/metrics/') ? 'metrics text' : 'JSON'}, got an HTML page: ${excerpt(body.value)}`,
    });
  }
  return ok({ url, body: body.value, ...(contentType !== undefined ? { contentType } : {}) });
}

function looksLikeHtml(contentType: string | undefined, body: Uint8Array): boolean {
  if (contentType !== undefined && /^\s*(text\/html|application\/xhtml)/i.test(contentType)) return true;
  const head = new TextDecoder().decode(body.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/** The first 200 characters of a body, with HTML tags and runs of blanks squeezed out, for a message. */
export function excerpt(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 4096));
  const plain = text
    .replace(/<(script|style)[^]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain === '') return '(empty body)';
  return JSON.stringify(plain.length > 200 ? `${plain.slice(0, 200)}…` : plain);
}

async function readLimited(res: Response, limit: number): Promise<Result<Uint8Array, string>> {
  if (!res.body) return ok(new Uint8Array());
  const chunks: Uint8Array[] = [];
  let total = 0;
  // undici types the stream's chunks as any; a fetch body's chunks are bytes.
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (limit > 0 && total > limit) {
      await reader.cancel();
      return err(`body size limit exceeded: more than ${limit} bytes`);
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

export function describeCause(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? e.cause.message : undefined;
    return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
  }
  return String(e);
}
