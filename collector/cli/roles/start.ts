/**
 * `kubepulse start`: the all-in-one stack on this machine. This is one of the
 * few places that knows every concrete part; it builds them and wires them.
 */
import express from 'express';
import type { Config } from '../../config/index.js';
import { healthRouter } from '../../http/health.js';
import { listen } from '../../http/server.js';
import { createSelfRegistry } from '../../http/self-metrics.js';
import type { Logger } from '../../log/index.js';
import { createPipeline } from '../../pipelines/index.js';
import { ok, type Result } from '../../result.js';
import { prepareDataDir } from '../data-dir.js';
import { VERSION } from '../version.js';

export interface RunningStack {
  readonly address: string;
  /** Stops timers, lets in-flight requests finish, closes the store. */
  stop(): Promise<void>;
}

export async function startAllInOne(config: Config, logger: Logger): Promise<Result<RunningStack, string>> {
  const dataDir = await prepareDataDir(config.dataDir);
  if (!dataDir.ok) return dataDir;

  const registry = createSelfRegistry(VERSION);
  const stopping = new AbortController();
  let ready = false;

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(() => ready));
  app.get('/metrics', (_req, res, next) => {
    registry
      .metrics()
      .then((text) => void res.type(registry.contentType).send(text))
      .catch(next);
  });

  const server = await listen(app, config.listen);
  if (!server.ok) return server;
  logger.info('kubepulse started', { version: VERSION, listen: server.value.address, dataDir: config.dataDir });
  ready = true;

  const pipelines = [] as ReturnType<typeof createPipeline>[];
  const running = pipelines.map((p) => p.run(stopping.signal));

  return ok({
    address: server.value.address,
    async stop() {
      ready = false;
      stopping.abort();
      await Promise.allSettled(running);
      await server.value.close(config.shutdownTimeout);
    },
  });
}
