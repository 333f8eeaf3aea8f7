/**
 * The parts of a kube-apiserver that the API aggregation layer involves, as an
 * `extra` handler for test/support/kube-api-server.ts: discovery (/api, /apis
 * with metrics.k8s.io once "registered"), ConfigMap
 * kube-system/extension-apiserver-authentication, SubjectAccessReviews decided
 * by a test's policy, and the proxy the aggregator runs — a kubectl request to
 * /apis/metrics.k8s.io/* is authenticated by its bearer token and forwarded
 * over HTTPS with the front-proxy client certificate and X-Remote-User /
 * X-Remote-Group headers, as kube-aggregator's proxy handler does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';

export interface ReviewSpec {
  readonly user?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  readonly nonResourceAttributes?: Readonly<Record<string, string>>;
}

export type Policy = (spec: ReviewSpec) => { readonly allowed: boolean; readonly reason?: string } | 'fail';

export interface AggregatorOptions {
  /** ConfigMap data; a function so a test can rotate it. */
  readonly authData: () => Readonly<Record<string, string>>;
  readonly policy: Policy;
  /** Bearer token → the user kubectl is. */
  readonly users?: Readonly<Record<string, { readonly user: string; readonly groups: readonly string[] }>>;
  /** The front proxy's client certificate (the kube-apiserver's --proxy-client-cert-file). */
  readonly proxyClient?: { readonly cert: string; readonly key: string };
}

export interface FakeAggregator {
  readonly extra: (req: IncomingMessage, res: ServerResponse) => boolean;
  readonly reviews: ReviewSpec[];
  /** Requests proxied to the aggregated API, with the status it answered. */
  readonly proxied: { path: string; user: string; status: number }[];
  /** "Registers" the APIService: https://host:port of kubepulse's metricsApi listener. */
  register(backend: string): void;
}

const GROUP = 'metrics.k8s.io';
const GV = `${GROUP}/v1beta1`;

export function createFakeAggregator(o: AggregatorOptions): FakeAggregator {
  const reviews: ReviewSpec[] = [];
  const proxied: FakeAggregator['proxied'] = [];
  let backend: string | undefined;
  const json = (res: ServerResponse, code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string): void =>
    json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

  const extra = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/api') {
      json(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '' }],
      });
      return true;
    }
    if (req.method === 'GET' && path === '/api/v1') {
      json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'] },
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'] },
        ],
      });
      return true;
    }
    if (req.method === 'GET' && path === '/apis') {
      const groups = backend
        ? [
            {
              name: GROUP,
              versions: [{ groupVersion: GV, version: 'v1beta1' }],
              preferredVersion: { groupVersion: GV, version: 'v1beta1' },
            },
          ]
        : [];
      json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
      return true;
    }
    if (
      req.method === 'GET' &&
      path === '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication'
    ) {
      json(res, 200, {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
        data: o.authData(),
      });
      return true;
    }
    if (req.method === 'POST' && path === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        const sar = JSON.parse(body) as { spec: ReviewSpec };
        reviews.push(sar.spec);
        const decision = o.policy(sar.spec);
        if (decision === 'fail') return status(res, 500, 'InternalError', 'authorizer is down');
        json(res, 201, {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: sar.spec,
          status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
        });
      });
      return true;
    }
    if (path === `/apis/${GROUP}` || path.startsWith(`/apis/${GROUP}/`)) {
      if (!backend || !o.proxyClient) {
        status(res, 404, 'NotFound', 'the server could not find the requested resource');
        return true;
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const who = o.users?.[token];
      if (!who) {
        status(res, 401, 'Unauthorized', 'Unauthorized');
        return true;
      }
      proxy(req, res, backend, o.proxyClient, who, url, (code) =>
        proxied.push({ path: url.pathname + url.search, user: who.user, status: code }),
      );
      return true;
    }
    return false;
  };

  return { extra, reviews, proxied, register: (b) => void (backend = b) };
}

function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  backend: string,
  client: { cert: string; key: string },
  who: { user: string; groups: readonly string[] },
  url: URL,
  done: (code: number) => void,
): void {
  const target = new URL(url.pathname + url.search, backend);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    // The aggregator drops the caller's credentials and any identity headers it did not set itself.
    if (
      v === undefined ||
      k === 'authorization' ||
      k === 'host' ||
      k.startsWith('x-remote-') ||
      k.startsWith('impersonate-')
    )
      continue;
    headers[k] = v;
  }
  headers['x-remote-user'] = who.user;
  headers['x-remote-group'] = [...who.groups];
  const upstream = request(
    target,
    { method: req.method, headers, cert: client.cert, key: client.key, rejectUnauthorized: false }, // insecureSkipTLSVerify: true
    (up) => {
      done(up.statusCode ?? 0);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    done(503);
    res
      .writeHead(503, { 'content-type': 'application/json' })
      .end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: `error trying to reach service: ${e.message}`,
          reason: 'ServiceUnavailable',
          code: 503,
        }),
      );
  });
  req.pipe(upstream);
}
