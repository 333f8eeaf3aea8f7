/**
 * The receiver against the real sender: a Prometheus 2.x scrapes itself every
 * second and remote-writes into our handler served over HTTP.
 */
import express from 'express';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetadataStore, createRemoteWriteHandler } from '../collector/remote/index.js';
import { openTsdb, type Labels, type Tsdb } from '../collector/tsdb/index.js';
import { eventually } from './support/eventually.js';
import { scrapeSelfConfig, startPrometheus, type RunningPrometheus } from './support/prometheus.js';

let store: Tsdb;
const metadata = createMetadataStore();
const registry = new Registry();
let server: Server;
let prom: RunningPrometheus;

beforeAll(async () => {
  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  store = opened.value;
  const app = express();
  app.post('/api/v1/write', createRemoteWriteHandler({ appendable: store, metadata, registry }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  prom = await startPrometheus({
    config: scrapeSelfConfig({ intervalS: 1, remoteWriteUrl: `http://127.0.0.1:${port}/api/v1/write` }),
  });
});

afterAll(async () => {
  await prom?.stop();
  await new Promise((r) => server?.close(r));
  await store?.close();
});

const find = (name: string): { labels: Labels; samples: { t: number; v: number }[] }[] =>
  [...store.querier(0, Number.MAX_SAFE_INTEGER).select([{ type: '=', name: '__name__', value: name }])].map((s) => {
    const it = s.samples();
    const samples = [];
    while (it.next()) samples.push({ ...it.at() });
    return { labels: s.labels, samples };
  });

describe('remote write from a real Prometheus', () => {
  it('delivers up and prometheus_build_info with their target labels', async () => {
    const up = await eventually('up to arrive', () => (find('up').length > 0 ? find('up') : undefined), {
      timeoutMs: 30_000,
    });
    expect(up).toHaveLength(1);
    expect(up[0]?.labels).toEqual({ __name__: 'up', job: 'prometheus', instance: `127.0.0.1:${prom.port}` });
    expect(up[0]?.samples.every((s) => s.v === 1)).toBe(true);

    const info = find('prometheus_build_info');
    expect(info).toHaveLength(1);
    expect(info[0]?.labels).toMatchObject({ job: 'prometheus', instance: `127.0.0.1:${prom.port}` });
    expect(info[0]?.labels.version).toMatch(/^2\.\d+\.\d+/);
  });

  it('stores the metadata Prometheus sends', async () => {
    const md = await eventually('metadata', () => metadata.snapshot().get('prometheus_build_info'), {
      timeoutMs: 30_000,
    });
    expect(md.map((m) => [m.type, m.unit])).toEqual([['gauge', '']]);
    expect(md[0]?.help).toMatch(/build/i);
    const text = await registry.metrics();
    expect(text).toMatch(/kubepulse_remote_write_samples_total [1-9]\d*/);
    expect(text).not.toMatch(/kubepulse_remote_write_rejected_samples_total\{/);
  });
});
