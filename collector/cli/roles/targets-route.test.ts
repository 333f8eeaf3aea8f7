import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRulesRoutes, type TargetsSnapshot } from '../../api/index.js';
import { startPlainHttpShell, type PlainHttpShell } from '../../http/plain-shell.js';
import { listen, type RunningServer } from '../../http/server.js';
import { call } from '../../http/shell.case.js';
import { targetsRoute } from './pod-scrape-wiring.js';

const snapshot: TargetsSnapshot = {
  active: [
    {
      discoveredLabels: { __address__: '10.0.0.7:8080' },
      labels: { pod: 'api-0', namespace: 'shop' },
      scrapePool: 'kubernetes-pods',
      scrapeUrl: 'http://10.0.0.7:8080/metrics',
      globalUrl: 'http://10.0.0.7:8080/metrics',
      lastError: '',
      lastScrape: '0001-01-01T00:00:00Z',
      lastScrapeDuration: 0,
      health: 'unknown',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    },
  ],
  dropped: [{ discoveredLabels: { __address__: '10.0.0.8' }, scrapePool: 'kubernetes-pods' }],
};

describe('/api/v1/targets on the plain shell', () => {
  let plain: PlainHttpShell;
  let viaExpress: RunningServer;
  beforeAll(async () => {
    const shell = await startPlainHttpShell('127.0.0.1:0');
    if (!shell.ok) throw new Error(shell.error);
    plain = shell.value;
    plain.get(
      '/api/v1/targets',
      targetsRoute(() => snapshot),
    );
    // The hub's mounting of the same endpoint, on express.
    const app = express();
    registerRulesRoutes(app, { targets: () => snapshot });
    const bound = await listen(app, '127.0.0.1:0');
    if (!bound.ok) throw new Error(bound.error);
    viaExpress = bound.value;
  });
  afterAll(async () => Promise.all([plain.server.close(1000), viaExpress.close(1000)]));

  it('answers every filter with the status, content type and body the hub gives', async () => {
    const queries = [
      '',
      '?state=active',
      '?state=Dropped',
      '?state=any&scrapePool=kubernetes-pods',
      '?scrapePool=other',
      '?state=bogus',
    ];
    for (const method of ['GET', 'HEAD']) {
      for (const q of queries) {
        const want = await call(`http://${viaExpress.address}/api/v1/targets${q}`, method);
        const got = await call(`http://${plain.server.address}/api/v1/targets${q}`, method);
        expect([method, q, got.status, got.headers['content-type'], got.body]).toEqual([
          method,
          q,
          want.status,
          want.headers['content-type'],
          want.body,
        ]);
      }
    }
    const all = await call(`http://${plain.server.address}/api/v1/targets?state=dropped`);
    expect(JSON.parse(all.body)).toEqual({
      status: 'success',
      data: { activeTargets: [], droppedTargets: snapshot.dropped, droppedTargetCounts: { 'kubernetes-pods': 1 } },
    });
    expect(all.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('does not answer the other routes registerRulesRoutes mounts', async () => {
    expect((await call(`http://${plain.server.address}/api/v1/rules`)).status).toBe(404);
  });
});
