/**
 * Runs the real node-exporter (Debian's prometheus-node-exporter) on 127.0.0.1
 * and a free port, for tests that compare our node metrics with its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';

export interface NodeExporter {
  readonly url: string;
  /** The body of one GET /metrics, with its Content-Type. */
  scrape(): Promise<{ body: string; contentType: string | undefined }>;
  stop(): Promise<void>;
  /** What it wrote to stderr so far (its log). */
  log(): string;
}

/** "node_exporter, version 1.5.0 (branch: debian/sid, revision: 1.5.0-1+b6)" */
export function nodeExporterVersion(): string {
  const r = spawnSync(NODE_EXPORTER_BIN, ['--version'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0]?.trim() ?? '';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startNodeExporter(flags: readonly string[], readyTimeoutMs = 15_000): Promise<NodeExporter> {
  if (!existsSync(NODE_EXPORTER_BIN)) {
    throw new Error(`${NODE_EXPORTER_BIN} is missing: install the Debian package prometheus-node-exporter`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(NODE_EXPORTER_BIN, [`--web.listen-address=127.0.0.1:${port}`, ...flags], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const scrape = async () => {
    const res = await fetch(`${url}/metrics`);
    if (!res.ok) throw new Error(`GET ${url}/metrics: HTTP ${res.status}`);
    return { body: await res.text(), contentType: res.headers.get('content-type') ?? undefined };
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node-exporter exited with ${child.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(`${url}/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`node-exporter did not answer on ${url} within ${readyTimeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, scrape, stop, log: () => stderr };
}
