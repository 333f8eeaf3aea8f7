/**
 * Differential test: the same config and the same stream of alerts go to the
 * real Alertmanager (Debian's prometheus-alertmanager 0.25) and to ours; the
 * webhook notifications each sends must agree: same groups, same alerts in
 * the same order, same firing/resolved sequence, same payload fields
 * (fingerprints and group keys included), and about the same timing.
 *
 * Known difference, not exercised here: Alertmanager 0.25 is older than the
 * config fixtures; later versions add fields (e.g. alert status `mutedBy` in
 * API v2) that 0.25 does not send. The webhook payload (version "4") is the
 * same in both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigText } from './config/index.js';
import { createAlertmanager, type Alertmanager } from './index.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const config = (url: string): string => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}
`;

async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startReal(dir: string, hook: string): Promise<string> {
  const file = path.join(dir, 'real.yml');
  await writeFile(file, config(hook));
  const port = await freePort();
  const proc: ChildProcess = spawn(
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${file}`,
      `--storage.path=${path.join(dir, 'real-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.external-url=http://am.example',
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  cleanups.push(async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r(undefined)));
  });
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return url;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error('the real Alertmanager did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startOurs(dir: string, hook: string): Promise<string> {
  const loaded = loadConfigText(path.join(dir, 'ours.yml'), config(hook));
  if (!loaded.ok) throw loaded.error;
  const am = await createAlertmanager({
    config: loaded.value,
    dataDir: path.join(dir, 'ours-data'),
    externalUrl: 'http://am.example',
  });
  if (!am.ok) throw am.error;
  const a: Alertmanager = am.value;
  const server = express().use(a.router).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  cleanups.push(async () => {
    await a.stop();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Payload {
  groupKey: string;
  status: string;
  alerts: Array<{ labels: Record<string, string>; status: string; fingerprint: string }>;
}

/** A notification as comparable text, with its time since the first post. */
function summarize(rcv: HttpReceiver, t0: number): Array<{ at: number; key: string; what: string; body: unknown }> {
  return rcv.received.map((r) => {
    const p = r.body as Payload;
    return {
      at: r.at - t0,
      key: p.groupKey,
      what: `${p.status}: ${p.alerts.map((a) => `${a.labels.instance}=${a.status}`).join(',')}`,
      body: p,
    };
  });
}

describe('differential: real Alertmanager 0.25 vs ours', () => {
  it('sends the same webhook notifications for the same alerts', { timeout: 45_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-diff-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const realHook = await startHttpReceiver();
    const ourHook = await startHttpReceiver();
    cleanups.push(
      () => realHook.close(),
      () => ourHook.close(),
    );
    const urls = await Promise.all([startReal(dir, realHook.url), startOurs(dir, ourHook.url)]);

    const t0 = Date.now();
    // Starting now, so group_wait applies: flushes at ~1s, 3s, 5s, 7s, and posts land between them.
    const startsAt = new Date(t0).toISOString();
    const post = (alerts: unknown[]): Promise<unknown> =>
      Promise.all(
        urls.map(async (u) => {
          const res = await fetch(`${u}/api/v2/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(alerts),
          });
          if (!res.ok) throw new Error(`${u}: ${res.status} ${await res.text()}`);
        }),
      );
    const alert = (alertname: string, instance: string, endsAt?: number) => ({
      labels: { alertname, instance, job: 'node' },
      annotations: { summary: `${alertname} on ${instance}` },
      startsAt,
      ...(endsAt ? { endsAt: new Date(endsAt).toISOString() } : {}),
      generatorURL: 'http://prometheus/graph',
    });
    const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));

    // The same silence in both: Down on instance e is never notified.
    for (const u of urls) {
      const res = await fetch(`${u}/api/v2/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'instance', value: 'e', isRegex: false, isEqual: true }],
          startsAt: new Date(t0).toISOString(),
          endsAt: new Date(t0 + 3600_000).toISOString(),
          createdBy: 'test',
          comment: 'differential',
        }),
      });
      expect(res.status).toBe(200);
    }
    const inh = (instance: string, severity: string) => ({
      ...alert('Inh', instance),
      labels: { alertname: 'Inh', instance, job: 'node', severity },
    });
    // group_wait 1s: all groups at ~1s; e is silenced, Inh/y (warning) inhibited by Inh/x (critical).
    await post([
      alert('Down', 'a'),
      alert('Down', 'b'),
      alert('Other', 'c'),
      alert('Down', 'e'),
      inh('x', 'critical'),
      inh('y', 'warning'),
    ]);
    await at(2000);
    await post([alert('Down', 'd')]); // next tick of Down (~3s): a, b, d
    await at(4000);
    await post([alert('Down', 'b', Date.now())]); // ~5s: b resolved
    await at(6000);
    await post([alert('Other', 'c', Date.now())]); // ~7s: Other all resolved
    await at(9500);

    const real = summarize(realHook, t0);
    const ours = summarize(ourHook, t0);
    const seq = (xs: typeof real) => xs.map((x) => `${x.key} ${x.what}`).sort();
    expect(seq(ours)).toEqual(seq(real));
    expect(seq(real)).toEqual(
      [
        '{}:{alertname="Down"} firing: a=firing,b=firing',
        '{}:{alertname="Other"} firing: c=firing',
        '{}:{alertname="Down"} firing: a=firing,b=firing,d=firing',
        '{}:{alertname="Down"} firing: a=firing,b=resolved,d=firing',
        '{}:{alertname="Other"} resolved: c=resolved',
        '{}:{alertname="Inh"} firing: x=firing',
      ].sort(),
    );
    // Whole payloads agree field by field, in the order each group sent them.
    for (const key of new Set(real.map((r) => r.key))) {
      const r = real.filter((x) => x.key === key);
      const o = ours.filter((x) => x.key === key);
      expect(o.map((x) => x.body)).toEqual(r.map((x) => x.body));
      // Timing: each of ours within 600 ms of the real one.
      r.forEach((x, i) => expect(Math.abs((o[i]?.at ?? Infinity) - x.at)).toBeLessThan(600));
    }
  });
});
