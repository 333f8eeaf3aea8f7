/**
 * metrics.k8s.io on an HTTPS listener of its own, for the Kubernetes API
 * aggregation layer: the kube-apiserver proxies /apis/metrics.k8s.io/* here
 * (APIService v1beta1.metrics.k8s.io), authenticated by its front-proxy client
 * certificate, exactly as it does for metrics-server. /healthz, /livez and
 * /readyz serve probes; minimal /openapi/v2 and /openapi/v3 documents are
 * there because the aggregator fetches them to merge into the cluster's spec.
 */
import type { TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';
import { listen } from '../../http/server.js';
import type { PemPair, TlsFiles } from '../../http/tls.js';
import { watchTlsFiles } from '../../http/tls-reload.js';
import type { AuthConfig } from './auth-config.js';
import { authenticate, type UserInfo } from './authenticate.js';
import { cachingAuthorizer, requestAttributes, type RequestAttributes } from './authorize.js';
import type { DelegationApi } from './delegation-client.js';
import { forbiddenMessage, sendStatus } from './status.js';
import { createMetricsApiRouter } from './router.js';
import type { ResourceMetrics } from './resource-metrics.js';

export type AggregatedAuth =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'requestheader';
      readonly api: DelegationApi;
      /** How often the ConfigMap is read again (CA rotation); after a failure, a tenth of it. */
      readonly refreshMs?: number;
    };

export interface AggregatedApiOptions {
  readonly listen: string;
  readonly tls: PemPair;
  /** Where `tls` came from, to pick up a renewed certificate (polled; none for a self-signed pair). */
  readonly tlsFiles?: TlsFiles;
  readonly tlsReloadIntervalMs?: number;
  readonly metrics: ResourceMetrics;
  readonly auth: AggregatedAuth;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export interface AggregatedApi {
  /** host:port bound. */
  readonly address: string;
  /** Resolves once the authentication ConfigMap has been read (at once with `none`). */
  authLoaded(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
}

const OPENAPI_V2 = {
  swagger: '2.0',
  info: { title: 'kubepulse metrics.k8s.io', version: 'v1beta1' },
  paths: {},
  definitions: {},
};

export async function startAggregatedApi(o: AggregatedApiOptions): Promise<Result<AggregatedApi, string>> {
  const clock = o.clock ?? Date.now;
  const auth = o.auth;
  let config: AuthConfig | undefined;
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  if (auth.kind === 'none') markLoaded();

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  for (const path of ['/healthz', '/livez', '/readyz']) {
    const ready = (): boolean => path !== '/readyz' || auth.kind === 'none' || config !== undefined;
    app.get(
      path,
      (_req, res) =>
        void res
          .status(ready() ? 200 : 503)
          .type('text/plain')
          .send(ready() ? 'ok' : 'authentication configuration not loaded'),
    );
  }
  if (auth.kind === 'requestheader') {
    const authorizer = cachingAuthorizer({ review: auth.api.review, clock });
    app.use((req: Request, res: Response, next: NextFunction) => {
      // A connection made before the CAs were known was asked for a client certificate with the wrong CA
      // list (a Go client then sends none): close it so the next request gets a fresh handshake.
      const socket = req.socket as TLSSocket;
      if (!config || !socket.authorized) res.setHeader('Connection', 'close');
      if (!config)
        return sendStatus(
          res,
          503,
          'ServiceUnavailable',
          'authentication configuration (kube-system/extension-apiserver-authentication) not loaded yet',
        );
      const who = authenticate(
        { cert: socket.getPeerX509Certificate(), authorized: socket.authorized },
        req.headersDistinct,
        config,
      );
      if (!who.ok) {
        o.logger.debug('metrics.k8s.io request not authenticated', { path: req.path, reason: who.error });
        return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
      }
      const attributes = requestAttributes(
        req.method,
        req.path,
        req.query['watch'] === 'true' || req.query['watch'] === '1',
      );
      authorizer.authorize(who.value, attributes).then(
        (d) => {
          if (!d.ok) {
            o.logger.warn('metrics.k8s.io authorization failed', { error: d.error });
            return sendStatus(res, 500, 'InternalError', `Internal error occurred: authorization failed: ${d.error}`);
          }
          if (!d.value.allowed) return forbidden(res, who.value, attributes, d.value.reason);
          next();
        },
        (e: unknown) => next(e),
      );
    });
  }
  app.get('/openapi/v2', (_req, res) => void res.json(OPENAPI_V2));
  app.get('/openapi/v3', (_req, res) => void res.json({ paths: {} }));
  app.use(createMetricsApiRouter(o.metrics));
  app.use((req: Request, res: Response) =>
    sendStatus(res, 404, 'NotFound', `the server could not find the requested resource ${req.path}`),
  );

  let serving = o.tls;
  const tlsOptions = (c: AuthConfig | undefined) => ({
    cert: serving.cert,
    key: serving.key,
    ...(c ? { ca: [c.requestHeader?.caPem, c.clientCa?.caPem].filter((p): p is string => p !== undefined) } : {}),
  });
  const bound = await listen(app, o.listen, {
    ...tlsOptions(undefined),
    requestCert: auth.kind === 'requestheader',
    rejectUnauthorized: false,
  });
  if (!bound.ok) return err(`metricsApi.listen: ${bound.error}`);
  const running = bound.value;

  const setSecureContext = (options: object): void =>
    (running.server as unknown as { setSecureContext(o: object): void }).setSecureContext(options);
  const stopReload = o.tlsFiles
    ? watchTlsFiles({
        files: o.tlsFiles,
        current: o.tls,
        onChange: (pair) => {
          serving = pair;
          setSecureContext(tlsOptions(config));
        },
        logger: o.logger,
        ...(o.tlsReloadIntervalMs !== undefined ? { intervalMs: o.tlsReloadIntervalMs } : {}),
      })
    : () => undefined;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  if (auth.kind === 'requestheader') {
    const refreshMs = auth.refreshMs ?? 60_000;
    const load = async (): Promise<void> => {
      const r = await auth.api.readAuthConfig(stopping.signal);
      if (stopping.signal.aborted) return;
      if (r.ok) {
        const changed = JSON.stringify(tlsOptions(r.value).ca) !== JSON.stringify(tlsOptions(config).ca);
        if (changed) setSecureContext(tlsOptions(r.value));
        if (config === undefined)
          o.logger.info('metrics.k8s.io: delegated authentication configured', {
            requestHeader: r.value.requestHeader !== undefined,
            clientCa: r.value.clientCa !== undefined,
          });
        config = r.value;
        markLoaded();
      } else {
        o.logger.warn('metrics.k8s.io: cannot read the authentication ConfigMap', { error: r.error });
      }
      timer = setTimeout(() => void load(), r.ok ? refreshMs : Math.max(1000, refreshMs / 10));
      timer.unref();
    };
    void load();
  }

  return ok({
    address: running.address,
    authLoaded: () => loaded,
    async stop(timeoutMs = 5_000) {
      stopping.abort();
      stopReload();
      clearTimeout(timer);
      await running.close(timeoutMs);
    },
  });
}

function forbidden(res: Response, user: UserInfo, a: RequestAttributes, reason: string): void {
  sendStatus(
    res,
    403,
    'Forbidden',
    forbiddenMessage(user.username, a, reason),
    a.kind === 'resource'
      ? { group: 'metrics.k8s.io', kind: a.resource, ...(a.name ? { name: a.name } : {}) }
      : undefined,
  );
}
