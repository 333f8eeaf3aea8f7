import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.js';
import { recordingAppendable as memoryStore, type RecordedSample } from '../../tsdb/testing/recording-appendable.js';
import { isStaleNaN } from '../scrape/index.js';
import type { PodTargetSpec } from './pod-targets.js';
import { classifyScrapeError, createScrapeManager, type ScrapeManager } from './scrape-manager.js';

/** A fake clock whose sleepers wake only when the test moves time. */
function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    clock: () => now,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        const s = { at: now + ms, wake: resolve };
        sleepers.push(s);
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    advance(ms: number) {
      now += ms;
      for (const s of sleepers.splice(0)) {
        if (s.at <= now) s.wake();
        else sleepers.push(s);
      }
    },
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An exposition server on 127.0.0.1 whose body the test can change. */
async function exporter(body: string): Promise<{ url: string; set(b: string): void }> {
  let current = body;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(current);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/metrics`, set: (b) => (current = b) };
}

function spec(url: string, pod: string): PodTargetSpec {
  const instance = new URL(url).host;
  const labels = {
    job: 'kubernetes-pods',
    instance,
    namespace: 'shop',
    pod,
    container: 'app',
    node: 'n1',
    app: 'shop',
  };
  return { key: `${url} ${pod}`, url, labels, discoveredLabels: { __address__: instance } };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const quiet = createLogger({ level: 'error', format: 'json', write: () => {} });
const LIMITS = { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, bodySizeLimit: 0 };
let manager: ScrapeManager | undefined;
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

function setup(limits = LIMITS) {
  const store = memoryStore();
  const time = fakeTime();
  const registry = new Registry();
  manager = createScrapeManager({
    appendable: store,
    logger: quiet,
    intervalMs: 1_000,
    timeoutMs: 5_000,
    limits,
    registry,
    clock: time.clock,
    sleep: time.sleep,
  });
  const values = (name: string, pod: string) =>
    store.committed.filter((s) => s.labels.__name__ === name && s.labels.pod === pod).map((s) => s.v);
  return { store, time, registry, manager, values };
}

describe('createScrapeManager', () => {
  it('scrapes every target into the appendable with its target labels', async () => {
    const a = await exporter('requests_total{code="200"} 7\n');
    const b = await exporter('# TYPE queue gauge\nqueue 3\n');
    const { store, time, manager, values } = setup();
    manager.sync([spec(a.url, 'a-0'), spec(b.url, 'b-0')]);
    time.advance(1_000);
    await until(() => values('up', 'a-0').length > 0 && values('up', 'b-0').length > 0, 'both scrapes');
    const requests = store.committed.find((s) => s.labels.__name__ === 'requests_total');
    expect(requests?.labels).toEqual({
      __name__: 'requests_total',
      code: '200',
      job: 'kubernetes-pods',
      instance: new URL(a.url).host,
      namespace: 'shop',
      pod: 'a-0',
      container: 'app',
      node: 'n1',
      app: 'shop',
    });
    expect(requests?.v).toBe(7);
    expect(values('up', 'a-0')).toEqual([1]);
    expect(values('queue', 'b-0')).toEqual([3]);
    const snapshot = manager.targets().active.map((t) => [t.spec.url, t.health.health]);
    expect(snapshot).toEqual([a.url, b.url].sort().map((u) => [u, 'up']));
  });

  it('stops a target that is gone and marks all its series stale, report series included', async () => {
    const a = await exporter('requests_total 7\n');
    const b = await exporter('queue 3\n');
    const { store, time, manager, values } = setup();
    manager.sync([spec(a.url, 'a-0'), spec(b.url, 'b-0')]);
    time.advance(1_000);
    await until(() => values('up', 'a-0').length > 0 && values('up', 'b-0').length > 0, 'first scrapes');
    manager.sync([spec(b.url, 'b-0')]);
    await until(() => values('requests_total', 'a-0').length === 2, 'the staleness marker of a-0');
    const ofA = store.committed.filter((s) => s.labels.pod === 'a-0');
    const names = (xs: RecordedSample[]) => [...new Set(xs.map((s) => s.labels.__name__))].sort();
    const stale = ofA.filter((s) => isStaleNaN(s.v));
    expect(names(stale)).toEqual([
      'requests_total',
      'scrape_duration_seconds',
      'scrape_samples_post_metric_relabeling',
      'scrape_samples_scraped',
      'scrape_series_added',
      'up',
    ]);
    expect(manager.targets().active.map((t) => t.spec.url)).toEqual([b.url]);
    // b goes on; a is never scraped again.
    time.advance(1_000);
    await until(() => values('up', 'b-0').length === 2, 'the second scrape of b-0');
    expect(values('up', 'a-0').filter((v) => !Number.isNaN(v))).toEqual([1]);
  });

  it('fails only the target that breaks a limit, with the reason counted', async () => {
    const big = await exporter('a 1\nb 2\nc 3\n');
    const small = await exporter('a 1\n');
    const { time, manager, values, registry } = setup({ ...LIMITS, sampleLimit: 2 });
    manager.sync([spec(big.url, 'big-0'), spec(small.url, 'small-0')]);
    time.advance(1_000);
    await until(() => values('up', 'big-0').length > 0 && values('up', 'small-0').length > 0, 'scrapes');
    expect(values('up', 'big-0')).toEqual([0]);
    expect(values('a', 'big-0')).toEqual([]);
    expect(values('up', 'small-0')).toEqual([1]);
    const big0 = manager.targets().active.find((t) => t.spec.url === big.url);
    expect(big0?.health.lastError).toBe('sample_limit exceeded: 3 samples, limit is 2');
    const metrics = await registry.metrics();
    expect(metrics).toContain(
      'kubepulse_target_scrape_failures_total{scrape_pool="kubernetes-pods",reason="sample_limit"} 1',
    );
  });

  it('reports a broken exposition with its line as the target error', async () => {
    const bad = await exporter('ok 1\nbroken{ 2\n');
    const { time, manager, values } = setup();
    manager.sync([spec(bad.url, 'bad-0')]);
    time.advance(1_000);
    await until(() => values('up', 'bad-0').length > 0, 'the scrape');
    expect(values('up', 'bad-0')).toEqual([0]);
    expect(manager.targets().active[0]?.health.lastError).toMatch(/^invalid exposition: line 2: /);
  });

  it('marks everything stale on stop and ignores syncs after it', async () => {
    const a = await exporter('requests_total 7\n');
    const { time, manager, values } = setup();
    manager.sync([spec(a.url, 'a-0')]);
    time.advance(1_000);
    await until(() => values('up', 'a-0').length > 0, 'the scrape');
    await manager.stop();
    expect(values('up', 'a-0').map((v) => isStaleNaN(v))).toEqual([false, true]);
    expect(values('requests_total', 'a-0').map((v) => isStaleNaN(v))).toEqual([false, true]);
    manager.sync([spec(a.url, 'a-0')]);
    expect(manager.targets().active).toEqual([]);
  });
});

describe('classifyScrapeError', () => {
  it('sorts the scraper messages into reasons', () => {
    expect(classifyScrapeError('label_limit exceeded: "x" has 3 labels, limit is 2')).toBe('label_limit');
    expect(classifyScrapeError('body size limit exceeded: more than 10 bytes')).toBe('body_size_limit');
    expect(classifyScrapeError('scrape timed out after 10ms')).toBe('timeout');
    expect(classifyScrapeError('server returned HTTP status 500 Internal Server Error')).toBe('http_status');
    expect(classifyScrapeError('scrape failed: connect ECONNREFUSED 127.0.0.1:1')).toBe('connection');
  });
});
