/**
 * Runs a real Prometheus (the Debian `prometheus` binary, or $PROMETHEUS_BIN)
 * for integration tests: a free port on 127.0.0.1, a temporary data directory,
 * a config given as YAML text, readiness awaited, and a clean stop that removes
 * the directory. Also a `promtool` runner and small HTTP API helpers.
 *
 * @example
 * const prom = await startPrometheus({ config: scrapeSelfConfig({ intervalS: 1 }), flags: ['--web.enable-remote-write-receiver'] });
 * try { const r = await prom.query('up'); } finally { await prom.stop(); }
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PrometheusOptions {
  /** prometheus.yml contents; `{{PORT}}` is replaced by the port Prometheus listens on. */
  readonly config: string;
  /** Extra command-line flags, e.g. `--web.enable-remote-write-receiver`. */
  readonly flags?: readonly string[];
  readonly binary?: string;
  /** How long to wait for /-/ready; default 30 s. */
  readonly readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  /** Everything Prometheus wrote to stderr so far (its log); handy in assertion messages. */
  log(): string;
  /** GET `url + path` and parse JSON. */
  getJson(pathAndQuery: string): Promise<unknown>;
  /** POST a form to `url + path` and parse JSON. */
  postForm(pathAndQuery: string, form: Record<string, string>): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export const prometheusBinary = (): string => process.env.PROMETHEUS_BIN ?? 'prometheus';
export const promtoolBinary = (): string => process.env.PROMTOOL_BIN ?? 'promtool';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
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

/** A config that scrapes Prometheus itself, optionally remote-writing to `remoteWriteUrl`. */
export function scrapeSelfConfig(
  opts: { intervalS?: number; remoteWriteUrl?: string; extraScrapeConfigs?: string } = {},
): string {
  const interval = `${opts.intervalS ?? 1}s`;
  const rw = opts.remoteWriteUrl
    ? `remote_write:\n  - url: ${opts.remoteWriteUrl}\n    send_exemplars: false\n    metadata_config:\n      send: true\n      send_interval: 1s\n    queue_config:\n      batch_send_deadline: 1s\n      min_backoff: 100ms\n      max_backoff: 1s\n`
    : '';
  return (
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\n` +
    `scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:{{PORT}}']\n` +
    (opts.extraScrapeConfigs ?? '') +
    rw
  );
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kubepulse-prom-'));
  const port = await freePort();
  const configFile = path.join(dataDir, 'prometheus.yml');
  await writeFile(configFile, options.config.replaceAll('{{PORT}}', String(port)));
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.flags ?? []),
  ];
  const child = spawn(options.binary ?? prometheusBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, options.readyTimeoutMs ?? 30_000, exited, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    url,
    dataDir,
    log: () => log,
    async getJson(p) {
      const res = await fetch(url + p);
      return res.json() as Promise<unknown>;
    },
    async postForm(p, form) {
      const res = await fetch(url + p, { method: 'POST', body: new URLSearchParams(form) });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    stop,
  };
}

async function waitReady(
  url: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  log: () => string,
): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((c) => (gone = c));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`prometheus exited with code ${gone} before it was ready:\n${log()}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus at ${url} not ready after ${timeoutMs} ms:\n${log()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs promtool; resolves with its exit code and output (it never rejects on a non-zero exit). */
export function promtool(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(promtoolBinary(), args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
