/**
 * A hub for remote-write client tests: the real receiver
 * (`createRemoteWriteHandler`) in front of a real store (`openTsdb`) on
 * 127.0.0.1. Its HTTP server can be stopped and started again on the same
 * port while the store lives on — an outage as the client sees it. A test may
 * put an `intercept` in front of the receiver to answer some requests itself
 * (a 503, a 429) or to look at headers.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createRemoteWriteHandler,
  decodeWriteRequest,
  snappyDecompress,
  type WriteRequest,
} from '../../collector/remote/index.js';
import { openTsdb, type Tsdb } from '../../collector/tsdb/index.js';

/**
 * Return true when the request was answered and must not reach the receiver.
 * One that reads the body must leave it in `req.body` (the receiver takes it from there).
 */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface TestHub {
  readonly url: string;
  readonly port: number;
  readonly db: Tsdb;
  intercept: Intercept | undefined;
  /** Requests that reached the server (intercepted or not). */
  requests: number;
  /** Stops listening and cuts open connections; the store stays. */
  stopHttp(): Promise<void>;
  /** Listens again on the same port. */
  startHttp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestHub(port = 0): Promise<TestHub> {
  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  const db = opened.value;
  const receive = createRemoteWriteHandler({ appendable: db });
  let server: Server | undefined;
  const hub: TestHub = {
    url: '',
    port,
    db,
    intercept: undefined,
    requests: 0,
    async stopHttp() {
      if (!server) return;
      const s = server;
      server = undefined;
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    },
    async startHttp() {
      const s = createServer((req, res) => {
        hub.requests++;
        void (async () => {
          if (await hub.intercept?.(req, res)) return;
          if (req.method === 'POST' && req.url === '/api/v1/write') return receive(req, res);
          res.writeHead(404).end();
        })();
      });
      s.keepAliveTimeout = 60_000;
      s.listen(hub.port, '127.0.0.1');
      await once(s, 'listening');
      server = s;
      const addr = s.address();
      Object.assign(hub, { port: typeof addr === 'object' && addr ? addr.port : 0 });
      Object.assign(hub, { url: `http://127.0.0.1:${hub.port}/api/v1/write` });
    },
    async stop() {
      await hub.stopHttp();
      await db.close();
    },
  };
  await hub.startHttp();
  return hub;
}

/** Every stored sample of the series named `name`, per series label set (as JSON of sorted labels). */
export function storedSamples(db: Tsdb, name: string): Map<string, { t: number; v: number }[]> {
  const out = new Map<string, { t: number; v: number }[]>();
  const q = db.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  for (const s of q.select([{ type: '=', name: '__name__', value: name }])) {
    const key = JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const it = s.samples();
    const samples: { t: number; v: number }[] = [];
    while (it.next()) samples.push({ ...it.at() });
    out.set(key, samples);
  }
  return out;
}

/** Polls until `check` holds, or fails naming `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Reads a remote-write body and decodes it, leaving the raw body in `req.body` for the receiver. */
export async function readWriteRequest(req: IncomingMessage): Promise<WriteRequest | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  (req as IncomingMessage & { body?: Uint8Array }).body = body;
  const raw = snappyDecompress(body, 64 << 20);
  if (!raw.ok) return undefined;
  const decoded = decodeWriteRequest(raw.value);
  return decoded.ok ? decoded.value : undefined;
}
