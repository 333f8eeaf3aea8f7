/**
 * GETs against one kubelet's read-only endpoints (/metrics/resource,
 * /metrics/cadvisor, /stats/summary, /pods), either straight to its port
 * 10250 or through the API server's node proxy. Both end in the same
 * response check: status, size limit, and a body that is what the endpoint
 * should answer (a proxy or a misrouted port answers HTML login pages).
 *
 * The direct mode (the DaemonSet's) goes over node:https; only the proxy mode
 * loads undici, on first use, for the dispatcher client-node builds (client
 * certificates, exec plugins): the npm package costs a collector ~13 MB.
 */
import { readFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { describeError, httpGet, type HttpGetError } from '../scrape/index.js';
import { checkKubeletResponse, describeCause, readLimited } from './kubelet-response.js';
import type { KubeletError, KubeletResponse, RawKubeletAnswer } from './kubelet-response.js';

/** The kubelet's own paths; what each answers is checked in `checkKubeletResponse`. */
export type KubeletPath = '/metrics/resource' | '/metrics/cadvisor' | '/stats/summary' | '/pods';

export interface KubeletClient {
  /** Where requests go, for messages: `https://10.0.0.5:10250` or `https://api:6443/api/v1/nodes/n1/proxy`. */
  readonly baseUrl: string;
  /** Never throws: timeouts, refused connections, HTML and oversized bodies are `KubeletError`s naming the URL. */
  get(path: KubeletPath, signal?: AbortSignal): Promise<Result<KubeletResponse, KubeletError>>;
}

export interface KubeletRequestLimits {
  /** Whole request, body included. Default 10 s (metrics-server's kubelet timeout). */
  readonly timeoutMs?: number;
  /** Largest body accepted; default 64 MiB (/metrics/cadvisor of a busy node is tens of MB). 0: none. */
  readonly bodyLimitBytes?: number;
}

/**
 * Straight to the kubelet, as a DaemonSet pod talks to its own node. Either
 * `token` or `tokenFile`; the file is read on every request because bound
 * ServiceAccount tokens are rotated under a running pod.
 */
export interface DirectKubeletOptions extends KubeletRequestLimits {
  /** `https://NODE_IP:10250` (or `http://…:10255` for the deprecated read-only port). */
  readonly url: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly caFile?: string;
  readonly caPem?: string;
  /**
   * Accept any certificate, as metrics-server's --kubelet-insecure-tls: kind's
   * and kubeadm's kubelets serve a self-signed certificate no CA vouches for.
   */
  readonly insecureSkipVerify?: boolean;
}

/** Through `/api/v1/nodes/<node>/proxy`, for running outside the cluster (needs `nodes/proxy`). */
export interface ProxyKubeletOptions extends KubeletRequestLimits {
  readonly kubeConfig: KubeConfig;
  readonly node: string;
}

export const DEFAULT_KUBELET_TIMEOUT_MS = 10_000;
export const DEFAULT_KUBELET_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

interface Prepared {
  readonly headers: Record<string, string>;
  /** node:https pool with the kubelet's CA (direct mode, https). */
  readonly httpsAgent?: HttpsAgent;
  /** client-node's undici dispatcher (proxy mode), built for this one request and closed after it. */
  readonly dispatcher?: Dispatcher;
}

/**
 * @example
 * const client = createDirectKubeletClient({
 *   url: `https://${process.env.NODE_IP}:10250`,
 *   tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
 *   caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
 * });
 */
export function createDirectKubeletClient(options: DirectKubeletOptions): KubeletClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  let agent: Promise<Result<HttpsAgent | undefined, string>> | undefined;
  const makeAgent = async (): Promise<Result<HttpsAgent | undefined, string>> => {
    if (!baseUrl.startsWith('https:')) return ok(undefined);
    let ca = options.caPem;
    if (options.caFile !== undefined) {
      try {
        ca = await readFile(options.caFile, 'utf8');
      } catch (e) {
        return err(`${options.caFile}: cannot read CA: ${describeCause(e)}`);
      }
    }
    // Kept alive: the same three endpoints are read every 15-30 s, a TLS handshake each time would cost more CPU.
    return ok(
      new HttpsAgent({
        keepAlive: true,
        rejectUnauthorized: options.insecureSkipVerify !== true,
        ...(ca !== undefined ? { ca } : {}),
      }),
    );
  };
  const prepare = async (): Promise<Result<Prepared, string>> => {
    agent ??= makeAgent();
    const a = await agent;
    if (!a.ok) {
      agent = undefined; // the CA may be mounted later; try again next time
      return a;
    }
    let token = options.token;
    if (options.tokenFile !== undefined) {
      try {
        token = (await readFile(options.tokenFile, 'utf8')).trim();
      } catch (e) {
        return err(`${options.tokenFile}: cannot read token: ${describeCause(e)}`);
      }
    }
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return ok({ headers, ...(a.value ? { httpsAgent: a.value } : {}) });
  };
  return clientFor(baseUrl, options, prepare);
}

/**
 * @example
 * const kc = loadKubeConfig({ kind: 'kubeconfig' });
 * if (kc.ok) createProxyKubeletClient({ kubeConfig: kc.value, node: 'kind-control-plane' });
 */
export function createProxyKubeletClient(options: ProxyKubeletOptions): KubeletClient {
  const cluster = options.kubeConfig.getCurrentCluster();
  const server = (cluster?.server ?? '').replace(/\/+$/, '');
  const baseUrl = `${server}/api/v1/nodes/${encodeURIComponent(options.node)}/proxy`;
  const prepare = async (): Promise<Result<Prepared, string>> => {
    if (!cluster) return { ok: false, error: 'the KubeConfig has no current cluster' };
    try {
      // client-node applies exactly what kubectl would: token (file), exec plugin, client cert, CA. Loaded
      // here, not at the top: only this mode needs it, and it is most of a collector's memory otherwise.
      const { HttpMethod, RequestContext } = await import('@kubernetes/client-node');
      const ctx = new RequestContext(baseUrl, HttpMethod.GET);
      await options.kubeConfig.applySecurityAuthentication(ctx);
      // client-node builds a new Agent on every call (so rotated client certificates apply); it is closed
      // after its one request rather than left holding idle sockets until keep-alive expires.
      const dispatcher = ctx.getDispatcher();
      return {
        ok: true,
        value: { headers: { ...ctx.getHeaders() }, ...(dispatcher ? { dispatcher } : {}) },
      };
    } catch (e) {
      return { ok: false, error: `cannot authenticate to ${server}: ${describeCause(e)}` };
    }
  };
  return clientFor(baseUrl, options, prepare);
}

function clientFor(
  baseUrl: string,
  limits: KubeletRequestLimits,
  prepare: () => Promise<Result<Prepared, string>>,
): KubeletClient {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_KUBELET_TIMEOUT_MS;
  const bodyLimitBytes = limits.bodyLimitBytes ?? DEFAULT_KUBELET_BODY_LIMIT_BYTES;
  return {
    baseUrl,
    async get(path, signal) {
      const url = baseUrl + path;
      const prepared = await prepare();
      if (!prepared.ok) return err({ url, kind: 'config', message: `GET ${url}: ${prepared.error}` });
      try {
        return await request(url, path, prepared.value, signal);
      } finally {
        await prepared.value.dispatcher?.close().catch(() => undefined);
      }
    },
  };

  async function request(
    url: string,
    path: KubeletPath,
    prepared: Prepared,
    signal: AbortSignal | undefined,
  ): Promise<Result<KubeletResponse, KubeletError>> {
    const headers = {
      ...prepared.headers,
      accept: path.startsWith('/metrics/') ? 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1' : 'application/json',
      'accept-encoding': 'gzip',
      'user-agent': 'kubepulse',
    };
    const answer = prepared.dispatcher
      ? await viaUndici(url, headers, prepared.dispatcher, signal)
      : await httpGet(url, {
          timeoutMs,
          bodyLimitBytes,
          headers,
          ...(signal ? { signal } : {}),
          ...(prepared.httpsAgent ? { httpsAgent: prepared.httpsAgent } : {}),
        });
    if (!answer.ok) return err(kubeletError(url, answer.error));
    return checkKubeletResponse(url, path, answer.value);
  }

  /** The proxy mode's transport: fetch with client-node's dispatcher, which carries the kubeconfig's TLS settings. */
  async function viaUndici(
    url: string,
    headers: Record<string, string>,
    dispatcher: Dispatcher,
    signal: AbortSignal | undefined,
  ): Promise<Result<RawKubeletAnswer, HttpGetError>> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const { fetch } = await import('undici');
      const res = await fetch(url, { signal: both, headers, dispatcher });
      const contentType = res.headers.get('content-type') ?? undefined;
      // undici types the stream's chunks as any; a fetch body's chunks are bytes.
      const body = res.body
        ? await readLimited(res.body as ReadableStream<Uint8Array>, bodyLimitBytes)
        : ok(new Uint8Array());
      if (!body.ok) return err({ kind: 'too-large', message: body.error });
      return ok({
        status: res.status,
        statusText: res.statusText,
        body: body.value,
        ...(contentType !== undefined ? { contentType } : {}),
      });
    } catch (e) {
      if (timeout.aborted) return err({ kind: 'timeout', message: `timed out after ${timeoutMs} ms` });
      if (signal?.aborted) return err({ kind: 'cancelled', message: 'cancelled' });
      // fetch() says only "fetch failed"; what went wrong (refused, reset, certificate) is its cause.
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
      return err({ kind: 'network', message: describeError(cause), cause: e });
    }
  }
}

function kubeletError(url: string, e: HttpGetError): KubeletError {
  switch (e.kind) {
    case 'timeout':
    case 'cancelled':
    case 'too-large':
    case 'decode':
      return { url, kind: e.kind, message: `GET ${url}: ${e.message}` };
    case 'network':
      // "fetch failed (...)" as when both modes were fetch(): logs and alerts already match on it.
      return { url, kind: 'network', message: `GET ${url}: fetch failed (${e.message})` };
    case 'redirect':
      return { url, kind: 'network', message: `GET ${url}: ${e.message}` };
    default: {
      const never: never = e.kind;
      return { url, kind: 'network', message: `GET ${url}: ${String(never)}` };
    }
  }
}
