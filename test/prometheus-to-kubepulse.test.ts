/**
 * End to end through the real tools: a Prometheus 2.x scrapes itself and
 * remote-writes into our receiver; promtool then queries our HTTP API and
 * finds `up` as Prometheus itself sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from './support/api-server.js';
import { eventually } from './support/eventually.js';
import { promtool, scrapeSelfConfig, startPrometheus, type RunningPrometheus } from './support/prometheus.js';

let api: RunningApi;
let prom: RunningPrometheus;

beforeAll(async () => {
  api = await startApiServer();
  prom = await startPrometheus({
    config: scrapeSelfConfig({ intervalS: 1, remoteWriteUrl: `${api.url}/api/v1/write` }),
  });
});

afterAll(async () => {
  await prom?.stop();
  await api?.stop();
});

describe('Prometheus → remote write → kubepulse API → promtool', () => {
  it('promtool query instant finds up with Prometheus’ target labels', async () => {
    const out = await eventually(
      'promtool to see up',
      async () => {
        const r = await promtool(['query', 'instant', api.url, 'up']);
        return r.code === 0 && r.stdout.includes('=> 1') ? r : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(out.stdout.trim()).toMatch(
      new RegExp(`^up\\{instance="127\\.0\\.0\\.1:${prom.port}", job="prometheus"\\} => 1 @\\[\\d+(\\.\\d+)?\\]$`),
    );
  });

  it('promtool query series and labels work against our API', async () => {
    const series = await promtool(['query', 'series', api.url, '--match=prometheus_build_info']);
    expect(series.code).toBe(0);
    expect(series.stdout).toMatch(/__name__="prometheus_build_info"/);
    expect(series.stdout).toContain(`instance="127.0.0.1:${prom.port}"`);
    const values = await promtool(['query', 'labels', api.url, 'job']);
    expect(values.code).toBe(0);
    expect(values.stdout.trim()).toBe('prometheus');
  });

  it('answers queries over the forwarded samples exactly as Prometheus does on its own copy', async () => {
    // Both sides hold the same samples, so the same instant queries must agree (t lags so both have caught up).
    type Answer = { data: { result: unknown[] } };
    for (const q of ['rate(process_cpu_seconds_total[10s])', 'sum by (job) (scrape_samples_scraped)', 'up == 1']) {
      await eventually(
        `identical answers to ${q}`,
        async () => {
          const t = Math.floor(Date.now() / 1000) - 5;
          const path = `/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`;
          const ours = (await (await fetch(api.url + path)).json()) as Answer;
          const theirs = (await prom.getJson(path)) as Answer;
          return ours.data.result.length > 0 && JSON.stringify(ours) === JSON.stringify(theirs) ? true : undefined;
        },
        { timeoutMs: 20_000 },
      );
    }
  });
});
