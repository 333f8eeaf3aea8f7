/**
 * Scrapes the real node-exporter binary (Debian package
 * prometheus-node-exporter), the exporter most targets look like.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScrapeTarget } from './scrape-target.js';
import { isStaleNaN } from './stale-nan.js';

const BINARY = '/usr/bin/prometheus-node-exporter';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`node-exporter exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node-exporter did not answer on ${url} within 10 s`);
}

describe('scraping the real node-exporter', () => {
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    expect(existsSync(BINARY), `${BINARY} missing: apt-get install prometheus-node-exporter`).toBe(true);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    // A few cheap collectors keep the scrape quick on a busy two-core machine.
    child = spawn(
      BINARY,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.cpu',
        '--collector.meminfo',
        '--collector.loadavg',
        '--collector.stat',
      ],
      { stdio: 'ignore' },
    );
    await waitUntilServing(url, child);
  });

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('parses every sample under the spec rules and reports up, twice in a row', async () => {
    const target = new ScrapeTarget({ url, job: 'node', timeoutMs: 10_000, validation: 'spec' });
    const first = await target.collect();
    expect(first.problems).toEqual([]);
    const value = (name: string) => first.samples.find((s) => s.labels.__name__ === name)?.value;
    expect(value('up')).toBe(1);
    expect(value('node_memory_MemTotal_bytes')).toBeGreaterThan(0);
    expect(value('node_load1')).toBeGreaterThanOrEqual(0);
    const cpu = first.samples.filter((s) => s.labels.__name__ === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu.every((s) => s.labels.cpu !== undefined && s.labels.mode !== undefined && s.labels.job === 'node')).toBe(
      true,
    );
    expect(value('scrape_samples_scraped')).toBe(value('scrape_samples_post_metric_relabeling'));
    expect(value('scrape_series_added')).toBe(value('scrape_samples_scraped'));
    const types = new Map(first.metadata.map((m) => [m.name, m.type]));
    expect(types.get('node_memory_MemTotal_bytes')).toBe('gauge');
    expect([...types.entries()].some(([name, type]) => name.startsWith('node_cpu_seconds') && type === 'counter')).toBe(
      true,
    );

    const second = await target.collect();
    expect(second.samples.find((s) => s.labels.__name__ === 'up')?.value).toBe(1);
    expect(second.samples.filter((s) => isStaleNaN(s.value))).toEqual([]);
  });
});
