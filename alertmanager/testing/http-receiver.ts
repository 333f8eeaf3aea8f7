/** Test helper: a local HTTP server recording JSON POSTs and answering with scripted statuses. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly at: number;
  readonly path: string;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
}

export interface HttpReceiver {
  readonly url: string;
  readonly received: Received[];
  /** Statuses to answer with, in order; 200 once they run out. */
  readonly script: number[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startHttpReceiver(check?: (body: unknown) => string | undefined): Promise<HttpReceiver> {
  const received: Received[] = [];
  const script: number[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const problem = check?.(body);
      const status = problem ? 400 : (script.shift() ?? 200);
      if (status === 200) received.push({ at: Date.now(), path: req.url ?? '', body, headers: req.headers });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(problem ?? (status === 200 ? 'ok' : 'scripted failure'));
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    script,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} requests, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return received.slice(0, n);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
