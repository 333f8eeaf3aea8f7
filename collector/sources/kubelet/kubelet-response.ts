/**
 * What came back from a kubelet, and every way it can be wrong. A wrong
 * answer is a value naming the URL and what was wrong with it, so one sick
 * kubelet shows up as a problem next to the others' samples.
 */
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { concatBytes } from '../scrape/index.js';

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

/** An answer as it came off the wire (gzip already undone), whichever transport fetched it. */
export interface RawKubeletAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly contentType?: string;
  readonly body: Uint8Array;
}

/** The answer if it is a 2xx with what the endpoint serves; otherwise the error naming what came instead. */
export function checkKubeletResponse(
  url: string,
  path: string,
  res: RawKubeletAnswer,
): Result<KubeletResponse, KubeletError> {
  const { contentType, body } = res;
  if (res.status < 200 || res.status >= 300) {
    return err({
      url,
      kind: 'http',
      status: res.status,
      message: `GET ${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: ${excerpt(body)}`,
    });
  }
  if (looksLikeHtml(contentType, body)) {
    return err({
      url,
      kind: 'html',
      message: `GET ${url}: expected ${path.startsWith('/metrics/') ? 'metrics text' : 'JSON'}, got an HTML page: ${excerpt(body)}`,
    });
  }
  return ok({ url, body, ...(contentType !== undefined ? { contentType } : {}) });
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

/** A web stream (fetch's body) read whole, or an error once it passes `limit` bytes (0: no limit). */
export async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Result<Uint8Array, string>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
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
  return ok(concatBytes(chunks, total));
}

export function describeCause(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? e.cause.message : undefined;
    return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
  }
  return String(e);
}
