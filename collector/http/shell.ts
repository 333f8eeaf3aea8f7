/**
 * The HTTP shell every role starts with: an express app bound to its port at
 * once (a taken port fails before anything else starts, as Prometheus does),
 * answering /-/healthy and, with 503 until `setReady(true)`, /-/ready;
 * over HTTPS when given certificate files.
 */
import express, { type Express } from 'express';
import { silentLogger, type Logger } from '../log/index.js';
import type { Result } from '../result.js';
import { healthRouter } from './health.js';
import { listen, type RunningServer } from './server.js';
import { loadTlsFiles, type TlsFiles } from './tls.js';
import { watchTlsFiles } from './tls-reload.js';

export interface HttpShell {
  readonly app: Express;
  readonly server: RunningServer;
  setReady(ready: boolean): void;
}

export interface HttpShellOptions {
  /** Where certificate reload problems are reported. */
  readonly logger?: Logger;
  readonly tlsReloadIntervalMs?: number;
}

/**
 * With `tls` (config `web.tls`), the port serves HTTPS with those PEM files, checked before binding
 * and read again every 30 s (a renewed certificate is used for new connections without a restart).
 */
export async function startHttpShell(address: string, tls?: TlsFiles, options: HttpShellOptions = {}): Promise<Result<HttpShell, string>> {
  const logger = options.logger ?? silentLogger;
  const pair = tls ? await loadTlsFiles(tls) : undefined;
  if (pair && !pair.ok) return pair;
  let ready = false;
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(() => ready));
  const server = await listen(app, address, pair?.value);
  if (!server.ok) return server;
  let running = server.value;
  if (tls && pair?.ok) {
    const https = running.server as unknown as { setSecureContext(options: { cert: string; key: string }): void };
    const stop = watchTlsFiles({ files: tls, current: pair.value, onChange: (p) => https.setSecureContext(p), logger: logger.child({ component: 'web' }),
      ...(options.tlsReloadIntervalMs !== undefined ? { intervalMs: options.tlsReloadIntervalMs } : {}),
    });
    const inner = running;
    running = { ...inner, close: (timeoutMs) => (stop(), inner.close(timeoutMs)) };
  }
  return { ok: true, value: { app, server: running, setReady: (r) => void (ready = r) } };
}
