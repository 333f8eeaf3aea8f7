/**
 * Our query side as a real HTTP server for integration tests: an in-memory
 * TSDB, the PromQL engine, the remote-write receiver and the /api/v1 router,
 * on 127.0.0.1 with a free port. The same parts `kubepulse start` wires.
 */
import express from 'express';
import type { Server } from 'node:http';
import { createApiRouter, type ApiDeps } from '../../collector/api/index.js';
import { createEngine, formatExpr, parseExpr } from '../../collector/promql/index.js';
import { ok } from '../../collector/result.js';
import { createMetadataStore, createRemoteWriteHandler, type MetadataStore } from '../../collector/remote/index.js';
import { openTsdb, type Tsdb } from '../../collector/tsdb/index.js';

export interface RunningApi {
  readonly url: string;
  readonly port: number;
  readonly db: Tsdb;
  readonly metadata: MetadataStore;
  stop(): Promise<void>;
}

export async function startApiServer(overrides: Partial<ApiDeps> = {}): Promise<RunningApi> {
  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  const db = opened.value;
  const metadata = createMetadataStore();
  const app = express();
  app.use(
    createApiRouter({
      engine: createEngine(db),
      queryable: db,
      remoteWrite: createRemoteWriteHandler({ appendable: db, metadata }),
      metadata: [metadata],
      formatQuery: (q) => {
        const e = parseExpr(q);
        return e.ok ? ok(formatExpr(e.value)) : e;
      },
      ...overrides,
    }),
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    metadata,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.close();
    },
  };
}
