/**
 * The collector's HTTP shell on node:http alone: express costs ~5.6 MB of RSS
 * and the DaemonSet has 80 MB. Bound at once, over HTTPS with `web.tls` files
 * and their reload, with the same /-/healthy and /-/ready as the hub's express
 * shell (bind-shell.ts holds what both do); routing in plain-router.ts.
 */
import { silentLogger } from '../log/index.js';
import { ok, type Result } from '../result.js';
import { bindShell, type BoundShell, type HttpShellOptions } from './bind-shell.js';
import { createPlainRouter } from './plain-router.js';
import type { RouteHandler } from './route.js';
import type { TlsFiles } from './tls.js';

export interface PlainHttpShell extends BoundShell {
  /**
   * Answers GET and HEAD on `path` from now on.
   *
   * @example
   * shell.get('/metrics', async (_req, res) => sendText(res, 200, registry.contentType, await registry.metrics()));
   */
  get(path: string, handler: RouteHandler): void;
}

export async function startPlainHttpShell(
  address: string,
  tls?: TlsFiles,
  options: HttpShellOptions = {},
): Promise<Result<PlainHttpShell, string>> {
  const router = createPlainRouter((options.logger ?? silentLogger).child({ component: 'web' }));
  const shell = await bindShell(router, router.listener, address, tls, options);
  return shell.ok ? ok({ ...shell.value, get: (path, handler) => router.get(path, handler) }) : shell;
}
