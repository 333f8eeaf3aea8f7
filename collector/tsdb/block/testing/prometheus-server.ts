/**
 * Starts the real Prometheus (Debian package `prometheus`) on an existing
 * data directory (a copy of ours), with no scrape jobs, so a test can ask its
 * HTTP API what it reads from our blocks. Listens on 127.0.0.1 on a free
 * port; stop() sends SIGTERM and waits for the process to exit.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface PrometheusProcess {
  readonly url: string;
  api(path: string, params: Record<string, string>): Promise<unknown>;
  stop(): Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const NO_SCRAPES = (): string => 'global:\n  scrape_interval: 1m\nscrape_configs: []\n';

/** Scrapes Prometheus itself every second. */
export const SCRAPE_SELF = (port: number): string =>
  `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;

/**
 * `configDir` gets a prometheus.yml (by default with no scrape jobs);
 * `dataDir` is used as --storage.tsdb.path as is.
 */
export async function startPrometheusOn(
  dataDir: string,
  configDir: string,
  extraFlags: readonly string[] = [],
  configFor: (port: number) => string = NO_SCRAPES,
): Promise<PrometheusProcess> {
  const port = await freePort();
  const config = join(configDir, 'prometheus.yml');
  await writeFile(config, configFor(port));
  const child = spawn(
    'prometheus',
    [
      `--storage.tsdb.path=${dataDir}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
      ...extraFlags,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-50_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async api(path, params) {
      const res = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
      const body = (await res.json()) as { status: string; data?: unknown; error?: string };
      if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}\n${log}`);
      return body.data;
    },
    stop,
  };
}

/** Prometheus' JSON sample value strings, "+Inf" and friends included. */
export function parsePromValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}
