/**
 * API v2 against the real amtool (Debian's prometheus-alertmanager 0.25
 * build): alerts and silences go in and come out through our router exactly
 * as amtool expects them from Alertmanager.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerCore } from '../alertmanager.js';
import { loadConfigText } from '../config/index.js';
import { createV2Router } from './v2-router.js';

const run = promisify(execFile);
let server: Server;
let am: AlertmanagerCore;
let base: string;
let dir: string;

async function amtool(...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/amtool', [`--alertmanager.url=${base}`, ...args], { timeout: 20_000 });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-api-'));
  const loaded = loadConfigText(
    path.join(dir, 'am.yml'),
    `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: [team="db"]
      receiver: dba
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]
receivers:
  - name: default
  - name: dba
    slack_configs: [{ api_url: 'https://hooks.slack.com/services/T0/B0/SECRET' }]
`,
  );
  if (!loaded.ok) throw loaded.error;
  const r = await AlertmanagerCore.open({ config: loaded.value, dataDir: dir, externalUrl: 'http://am' });
  if (!r.ok) throw r.error;
  am = r.value;
  const app = express();
  app.use(createV2Router(am, { version: '0.1.0-test' }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((res) => server.once('listening', res));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await am.stop();
  await new Promise((res) => server.close(res));
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('API v2 with amtool', () => {
  it('adds and queries alerts, with receivers, inhibition and silencing', async () => {
    await amtool(
      'alert',
      'add',
      'DiskFull',
      'instance=db-1',
      'team=db',
      'severity=warning',
      '--annotation=summary=disk is full',
    );
    await amtool('alert', 'add', 'NodeDown', 'instance=db-1', 'severity=critical');
    await amtool('alert', 'add', 'CPUHigh', 'instance=web-1', 'severity=warning');
    const active = await amtool('alert', 'query', '-o', 'json');
    const alerts = JSON.parse(active) as Array<{
      labels: Record<string, string>;
      status: { state: string };
      receivers: Array<{ name: string }>;
    }>;
    // DiskFull is inhibited by NodeDown on the same instance, so only two are active.
    expect(alerts.map((a) => a.labels.alertname).sort()).toEqual(['CPUHigh', 'NodeDown']);
    const all = JSON.parse(await amtool('alert', 'query', '-i', '-o', 'json')) as typeof alerts;
    const disk = all.find((a) => a.labels.alertname === 'DiskFull');
    expect(disk?.status.state).toBe('suppressed');
    expect(disk?.receivers).toEqual([{ name: 'dba' }]);
    const simple = await amtool('alert', 'query', 'alertname=~CPU.*');
    expect(simple).toContain('CPUHigh');
    expect(simple).not.toContain('NodeDown');
    const byReceiver = JSON.parse(
      await amtool('alert', 'query', '-i', '--receiver=dba', '-o', 'json'),
    ) as typeof alerts;
    expect(byReceiver.map((a) => a.labels.alertname)).toEqual(['DiskFull']);
  });

  it('adds, queries and expires silences', async () => {
    const id = (
      await amtool('silence', 'add', 'alertname=CPUHigh', '--comment=maintenance', '--author=ops', '--duration=2h')
    ).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const q = await amtool('silence', 'query');
    expect(q).toContain(id);
    expect(q).toContain('alertname="CPUHigh"');
    expect(q).toContain('maintenance');
    const active = JSON.parse(await amtool('alert', 'query', '-o', 'json')) as Array<{
      labels: Record<string, string>;
    }>;
    expect(active.map((a) => a.labels.alertname)).toEqual(['NodeDown']);
    const silenced = JSON.parse(await amtool('alert', 'query', '-s', '-o', 'json')) as Array<{
      labels: Record<string, string>;
      status: { silencedBy: string[] };
    }>;
    expect(silenced.find((a) => a.labels.alertname === 'CPUHigh')?.status.silencedBy).toEqual([id]);
    expect(await amtool('silence', 'query', 'alertname=NodeDown')).not.toContain(id);
    await amtool('silence', 'expire', id);
    expect(await amtool('silence', 'query', '-q')).toBe('');
    expect(await amtool('silence', 'query', '--expired', '-q')).toContain(id);
    await expect(amtool('silence', 'expire', id)).rejects.toThrow(/already expired/);
  });

  it('lists aggregation groups with their receiver and alerts', async () => {
    const groups = (await (await fetch(`${base}/api/v2/alerts/groups`)).json()) as Array<{
      labels: Record<string, string>;
      receiver: { name: string };
      alerts: Array<{ labels: Record<string, string> }>;
    }>;
    const summary = groups.map(
      (g) => `${g.receiver.name} ${JSON.stringify(g.labels)} ${g.alerts.map((a) => a.labels.alertname).join(',')}`,
    );
    expect(summary.sort()).toEqual([
      'dba {"alertname":"DiskFull"} DiskFull',
      'default {"alertname":"CPUHigh"} CPUHigh', // its silence was expired above
      'default {"alertname":"NodeDown"} NodeDown',
    ]);
    const onlyDba = (await (
      await fetch(`${base}/api/v2/alerts/groups?receiver=dba&inhibited=false`)
    ).json()) as unknown[];
    expect(onlyDba).toEqual([]);
  });

  it('serves status with the redacted config, and receivers', async () => {
    const out = await amtool('config', 'show');
    expect(out).toContain('receiver: dba');
    expect(out).toContain('<secret>');
    expect(out).not.toContain('SECRET');
    const res = await fetch(`${base}/api/v2/receivers`);
    expect(await res.json()).toEqual([{ name: 'default' }, { name: 'dba' }]);
    const status = (await (await fetch(`${base}/api/v2/status`)).json()) as {
      cluster: { status: string };
      versionInfo: { version: string };
    };
    expect(status.cluster.status).toBe('disabled');
    expect(status.versionInfo.version).toBe('0.1.0-test');
  });

  it('rejects bad input with a message naming the problem', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    let res = await post([{ labels: {} }]);
    expect(res.status).toBe(400);
    expect(await res.json()).toBe('alerts[0]: at least one label pair required');
    res = await post([{ labels: { a: 'b' }, startsAt: 'yesterday' }]);
    expect(await res.json()).toBe('0.startsAt: expected an RFC 3339 date-time');
    res = await fetch(`${base}/api/v2/alerts?filter=${encodeURIComponent('a=~"("')}`);
    expect(res.status).toBe(400);
    res = await fetch(`${base}/api/v2/silence/nope`);
    expect(res.status).toBe(404);
  });
});
