import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from './config/index.js';
import { createAlertmanager } from './index.js';

const cfg = (receiver: string) => {
  const r = loadConfigText('/x/am.yml', `route: { receiver: ${receiver} }\nreceivers: [{ name: ${receiver} }]\n`);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('createAlertmanager', () => {
  it("takes the ruler's alerts, serves them over API v2, and reloads", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-create-'));
    const t0 = Date.UTC(2026, 0, 1);
    let now = t0;
    const am = await createAlertmanager({
      config: cfg('first'),
      dataDir: dir,
      externalUrl: 'http://x',
      clock: () => now,
    });
    if (!am.ok) throw am.error;
    const app = express().use(am.value.router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await am.value.post([
        {
          labels: { alertname: 'Up' },
          annotations: {},
          startsAt: t0 - 60_000,
          endsAt: 0,
          generatorURL: 'http://prom/graph',
        },
        { labels: {}, annotations: {}, startsAt: t0, endsAt: 0, generatorURL: '' },
      ]);
      const alerts = (await (await fetch(`${base}/api/v2/alerts`)).json()) as Array<Record<string, unknown>>;
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(alerts[0]).toMatchObject({
        labels: { alertname: 'Up' },
        startsAt: new Date(t0 - 60_000).toISOString(),
        endsAt: new Date(t0 + 5 * 60_000).toISOString(), // resolve_timeout
        generatorURL: 'http://prom/graph',
        receivers: [{ name: 'first' }],
      });
      now = t0 + 6 * 60_000; // past resolve_timeout: resolved, so no longer listed
      expect(await (await fetch(`${base}/api/v2/alerts`)).json()).toEqual([]);
      expect((await am.value.reload(cfg('second'))).ok).toBe(true);
      expect(await (await fetch(`${base}/api/v2/receivers`)).json()).toEqual([{ name: 'second' }]);
    } finally {
      await am.value.stop();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    }
  });
});
