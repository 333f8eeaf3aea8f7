/**
 * A test kubelet: real HTTPS (a self-signed certificate made with Debian's
 * openssl for 127.0.0.1) or HTTP on 127.0.0.1, serving recorded kubelet
 * answers, checking the bearer token as the kubelet's webhook authn would,
 * and able to hang or answer with an HTML page. With `pathPrefix` it stands in
 * for the API server's node proxy (`/api/v1/nodes/<node>/proxy/...`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Real captures (CI provides ../shared next to the repository). */
export const KUBELET_CAPTURES_DIR = join(REPO_ROOT, '../shared/fixtures/kubelet/nri-kubernetes');
/** Constructed fixtures (see its README.md). */
export const KUBELET_FIXTURES_DIR = join(REPO_ROOT, 'test/fixtures/kubelet');
export const CAPTURED_VERSIONS = ['1_18', '1_34'] as const;
export type CapturedVersion = (typeof CAPTURED_VERSIONS)[number];

export interface KubeletRoute {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly status?: number;
}

export interface RecordedKubeletRequest {
  readonly path: string;
  readonly authorization?: string;
  /** True when the answer went out gzip-compressed. */
  readonly gzipped: boolean;
}

export interface KubeletServerOptions {
  /** Default true. */
  readonly tls?: boolean;
  /** When set, requests without `Authorization: Bearer <token>` get 401 as from the kubelet. */
  readonly token?: string;
  /** Keyed by kubelet path (`/metrics/resource`); see `captureRoutes`. */
  readonly routes: Readonly<Record<string, KubeletRoute>>;
  /** Serve only under this prefix, e.g. `/api/v1/nodes/kind-worker/proxy`. */
  readonly pathPrefix?: string;
}

export interface TestKubelet {
  /** `https://127.0.0.1:<port>` (plus `pathPrefix` is where the kubelet paths are). */
  readonly url: string;
  /** The self-signed certificate, to pass as the CA; empty without TLS. */
  readonly caPem: string;
  readonly requests: readonly RecordedKubeletRequest[];
  /** Requests for `path` get no answer until close(). */
  hang(path: string): void;
  route(path: string, route: KubeletRoute): void;
  close(): Promise<void>;
}

/** The recorded answers of one Kubernetes version, as the kubelet's paths. */
export function captureRoutes(version: CapturedVersion): Record<string, KubeletRoute> {
  const read = (...p: string[]): Buffer => readFileSync(join(KUBELET_CAPTURES_DIR, version, ...p));
  const text = 'text/plain; version=0.0.4; charset=utf-8';
  return {
    '/metrics/resource': {
      body: readFileSync(join(KUBELET_FIXTURES_DIR, `metrics-resource-${version}.txt`)),
      contentType: text,
    },
    '/metrics/cadvisor': { body: read('kubelet', 'metrics', 'cadvisor'), contentType: text },
    '/stats/summary': { body: read('kubelet', 'stats', 'summary'), contentType: 'application/json' },
    '/pods': { body: read('kubelet', 'pods'), contentType: 'application/json' },
  };
}

/** `routes` as the API server's node proxy serves them for `node` (for a server without `pathPrefix`). */
export function proxyRoutes(
  node: string,
  routes: Readonly<Record<string, KubeletRoute>>,
): Record<string, KubeletRoute> {
  return Object.fromEntries(Object.entries(routes).map(([p, r]) => [`/api/v1/nodes/${node}/proxy${p}`, r]));
}

/** A throwaway key and self-signed certificate valid for IP 127.0.0.1 and localhost. */
export function selfSignedCertificate(): { readonly key: string; readonly cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<TestKubelet> {
  const routes = new Map(Object.entries(options.routes));
  const hanging = new Set<string>();
  const requests: RecordedKubeletRequest[] = [];
  const prefix = options.pathPrefix ?? '';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Like the kubelet's promhttp handlers: /metrics/* are gzipped when the client accepts it.
    const gzipped = path.includes('/metrics/') && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    requests.push({
      path,
      gzipped,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('Unauthorized');
      return;
    }
    const route = path.startsWith(prefix) ? routes.get(path.slice(prefix.length)) : undefined;
    if (hanging.has(path.slice(prefix.length))) return; // never answered; close() drops the socket
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (gzipped) {
      res
        .writeHead(route.status ?? 200, { 'content-type': route.contentType, 'content-encoding': 'gzip' })
        .end(gzipSync(route.body));
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.contentType }).end(route.body);
  };

  const tls = options.tls ?? true;
  const cert = tls ? selfSignedCertificate() : undefined;
  const server = cert ? https.createServer({ key: cert.key, cert: cert.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caPem: cert?.cert ?? '',
    requests,
    hang: (path) => hanging.add(path),
    route: (path, route) => routes.set(path, route),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
