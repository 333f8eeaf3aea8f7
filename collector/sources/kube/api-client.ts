/**
 * The two calls an informer needs — list and watch — over HTTP(S), with the
 * authentication a KubeConfig describes. A seam (`KubeApi`) so the reflector
 * does not care how bytes arrive.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { Status } from './objects.js';

/**
 * `gone`: the resourceVersion is too old (HTTP 410 or reason Expired), relist.
 * `http`: any other non-200 answer. `network`: no answer at all.
 */
export type ApiErrorKind = 'gone' | 'http' | 'network' | 'decode';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type Query = Readonly<Record<string, string | undefined>>;

export interface WatchOptions {
  readonly signal: AbortSignal;
  /** The stream is aborted when no byte arrives for this long (a silently dead connection). */
  readonly idleTimeoutMs: number;
}

export interface KubeApi {
  /** The server's base URL, for messages. */
  readonly server: string;
  /** GET a collection; the parsed JSON body. */
  list(path: string, query: Query, signal: AbortSignal): Promise<Result<unknown, ApiError>>;
  /** GET with watch=1; the stream's lines. Iterating throws when the connection breaks. */
  watch(path: string, query: Query, options: WatchOptions): Promise<Result<AsyncIterable<string>, ApiError>>;
}

export function createKubeApi(kc: KubeConfig): KubeApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('createKubeApi: KubeConfig has no current cluster (loadKubeConfig checks this)');
  const server = cluster.server.replace(/\/+$/, '');

  const get = async (path: string, query: Query, signal: AbortSignal) => {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    const dispatcher = ctx.getDispatcher();
    return fetch(url, {
      headers: { ...ctx.getHeaders(), accept: 'application/json' },
      signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
  };

  return {
    server,
    async list(path, query, signal) {
      let res;
      try {
        res = await get(path, query, signal);
      } catch (cause) {
        return err(new ApiError('network', `GET ${server}${path}: ${describe(cause)}`, undefined, { cause }));
      }
      const text = await res.text().catch(() => '');
      if (res.status !== 200) return err(statusError(`GET ${server}${path}`, res.status, text));
      try {
        return ok(JSON.parse(text) as unknown);
      } catch (cause) {
        return err(
          new ApiError('decode', `GET ${server}${path}: body is not JSON: ${describe(cause)}`, 200, { cause }),
        );
      }
    },
    async watch(path, query, options) {
      const idle = new AbortController();
      const signal = AbortSignal.any([options.signal, idle.signal]);
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () => idle.abort(new Error(`no data for ${options.idleTimeoutMs} ms`)),
          options.idleTimeoutMs,
        );
        timer.unref();
      };
      arm();
      let res;
      try {
        res = await get(path, { ...query, watch: '1' }, signal);
      } catch (cause) {
        clearTimeout(timer);
        return err(
          new ApiError('network', `watch ${server}${path}: ${describe(signal.reason ?? cause)}`, undefined, { cause }),
        );
      }
      if (res.status !== 200) {
        clearTimeout(timer);
        return err(statusError(`watch ${server}${path}`, res.status, await res.text().catch(() => '')));
      }
      const body = res.body;
      if (!body) {
        clearTimeout(timer);
        return err(new ApiError('network', `watch ${server}${path}: response has no body`));
      }
      return ok(lines(body, arm, () => clearTimeout(timer)));
    },
  };
}

async function* lines(body: AsyncIterable<Uint8Array>, onData: () => void, onEnd: () => void): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of body) {
      onData();
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line !== '') yield line;
      }
    }
    const rest = (buffered + decoder.decode()).trim();
    if (rest !== '') yield rest;
  } finally {
    onEnd();
  }
}

/** A non-200 answer; the API server's Status body says why, and 410 / reason Expired means relist. */
function statusError(what: string, status: number, text: string): ApiError {
  let detail = text.slice(0, 300);
  let gone = status === 410;
  try {
    const s = Status.safeParse(JSON.parse(text));
    if (s.success) {
      detail = s.data.message ?? s.data.reason ?? detail;
      gone ||= s.data.code === 410 || s.data.reason === 'Expired' || s.data.reason === 'Gone';
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new ApiError(gone ? 'gone' : 'http', `${what}: HTTP ${status}: ${detail}`, status);
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message;
  return String(e);
}
