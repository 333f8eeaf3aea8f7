/**
 * The HTTP shell every role starts with: an express app bound to its port at
 * once (a taken port fails before anything else starts, as Prometheus does),
 * answering /-/healthy and, with 503 until `setReady(true)`, /-/ready;
 * over HTTPS when given certificate files.
 */
import express, { type Express } from 'express';
import type { Result } from '../result.js';
import { healthRouter } from './health.js';
import { listen, type RunningServer } from './server.js';
import { loadTlsFiles, type TlsFiles } from './tls.js';

export interface HttpShell {
  readonly app: Express;
  readonly server: RunningServer;
  setReady(ready: boolean): void;
}

/** With `tls` (config `web.tls`), the port serves HTTPS with those PEM files, checked before binding. */
export async function startHttpShell(address: string, tls?: TlsFiles): Promise<Result<HttpShell, string>> {
  const pair = tls ? await loadTlsFiles(tls) : undefined;
  if (pair && !pair.ok) return pair;
  let ready = false;
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(() => ready));
  const server = await listen(app, address, pair?.value);
  if (!server.ok) return server;
  return { ok: true, value: { app, server: server.value, setReady: (r) => void (ready = r) } };
}
