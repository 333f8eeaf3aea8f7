/**
 * What the two HTTP shells (express for the hub and `start`, plain node:http
 * for the collector) have in common: /-/healthy and /-/ready mounted on their
 * router, and its request listener bound to the address at once, so a taken
 * port fails before anything else starts (as Prometheus does). With `web.tls`
 * files the port serves HTTPS; they are checked before binding and read again
 * every 30 s (a renewed certificate is used for new connections without a restart).
 */
import type { RequestListener } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { silentLogger, type Logger } from '../log/index.js';
import { ok, type Result } from '../result.js';
import { healthRoutes } from './health.js';
import type { RouteHandler } from './route.js';
import { listen, type RunningServer } from './server.js';
import { loadTlsFiles, type TlsFiles } from './tls.js';
import { watchTlsFiles } from './tls-reload.js';

export interface HttpShellOptions {
  /** Where certificate reload problems (and, in the plain shell, failed handlers) are reported. */
  readonly logger?: Logger;
  readonly tlsReloadIntervalMs?: number;
}

/** Where a shell mounts its GET routes: an express app, or the plain router. */
export interface RouteTarget {
  get(path: string, handler: RouteHandler): unknown;
}

export interface BoundShell {
  readonly server: RunningServer;
  /** /-/ready answers 503 until this is called with true. */
  setReady(ready: boolean): void;
}

export async function bindShell(
  routes: RouteTarget,
  listener: RequestListener,
  address: string,
  tls?: TlsFiles,
  options: HttpShellOptions = {},
): Promise<Result<BoundShell, string>> {
  const pair = tls ? await loadTlsFiles(tls) : undefined;
  if (pair && !pair.ok) return pair;
  let ready = false;
  for (const [path, handler] of healthRoutes(() => ready)) routes.get(path, handler);
  const bound = await listen(listener, address, pair?.value);
  if (!bound.ok) return bound;
  let server = bound.value;
  if (tls && pair) {
    // listen() made an https.Server, since it was given the pair.
    const https = server.server as unknown as HttpsServer;
    const stop = watchTlsFiles({
      files: tls,
      current: pair.value,
      onChange: (p) => https.setSecureContext(p),
      logger: (options.logger ?? silentLogger).child({ component: 'web' }),
      ...(options.tlsReloadIntervalMs !== undefined ? { intervalMs: options.tlsReloadIntervalMs } : {}),
    });
    const inner = server;
    server = { ...inner, close: (timeoutMs) => (stop(), inner.close(timeoutMs)) };
  }
  return ok({ server, setReady: (r) => void (ready = r) });
}
