/**
 * The HTTP shell of the hub and `start`: an express app bound to its port at
 * once, answering /-/healthy and, with 503 until `setReady(true)`, /-/ready;
 * over HTTPS when given certificate files (bind-shell.ts). The collector, which
 * must not load express, has the same on node:http alone (plain-shell.ts).
 */
import express, { type Express } from 'express';
import { ok, type Result } from '../result.js';
import { bindShell, type BoundShell, type HttpShellOptions } from './bind-shell.js';
import type { TlsFiles } from './tls.js';

export type { HttpShellOptions } from './bind-shell.js';

export interface HttpShell extends BoundShell {
  readonly app: Express;
}

/**
 * With `tls` (config `web.tls`), the port serves HTTPS with those PEM files, checked before binding
 * and read again every 30 s (a renewed certificate is used for new connections without a restart).
 */
export async function startHttpShell(
  address: string,
  tls?: TlsFiles,
  options: HttpShellOptions = {},
): Promise<Result<HttpShell, string>> {
  const app = express();
  app.disable('x-powered-by');
  const shell = await bindShell(app, app, address, tls, options);
  return shell.ok ? ok({ ...shell.value, app }) : shell;
}
