import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertmanagerCore } from './alertmanager.js';
import { loadConfigText } from './config/index.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { openTestCore } from './testing/open-core.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function config(url: string, extra = ''): ReturnType<typeof loadConfigText> {
  return loadConfigText(
    '/nonexistent/am.yml',
    `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 300ms
  group_interval: 600ms
  repeat_interval: 1h
${extra}
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}
`,
  );
}

async function start(rcv: HttpReceiver, dataDir?: string, extra = ''): Promise<{ am: AlertmanagerCore; dir: string }> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'am-')));
  const loaded = config(rcv.url, extra);
  const am = await openTestCore(
    loaded,
    {
      dataDir: dir,
      externalUrl: 'http://am.example',
      initialBackoffMs: 50,
    },
    cleanups,
  );
  return { am: am, dir };
}

type Payload = {
  status: string;
  alerts: Array<{ labels: Record<string, string>; status: string; endsAt: string }>;
  groupKey: string;
  groupLabels: Record<string, string>;
};
const names = (p: unknown): string[] => (p as Payload).alerts.map((a) => `${a.labels.instance}:${a.status}`);

describe('AlertmanagerCore', () => {
  it('groups, waits group_wait, renotifies on change and on resolve, and survives a restart', async () => {
    const rcv = await startHttpReceiver();
    cleanups.push(() => rcv.close());
    const { am, dir } = await start(rcv);
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const t0 = Date.now();
    am.postAlerts([
      { labels: { alertname: 'Down', instance: 'a' } },
      { labels: { alertname: 'Down', instance: 'b' } },
      { labels: { alertname: 'Other', instance: 'c' } },
    ]);
    const first = await rcv.waitFor(2);
    expect(first[0]!.at - t0).toBeGreaterThanOrEqual(250);
    const byKey = new Map(first.map((r) => [(r.body as Payload).groupKey, r.body as Payload]));
    expect([...byKey.keys()].sort()).toEqual(['{}:{alertname="Down"}', '{}:{alertname="Other"}']);
    const down = byKey.get('{}:{alertname="Down"}')!;
    expect(names(down)).toEqual(['a:firing', 'b:firing']);
    expect(down.alerts[0]!.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(down.groupLabels).toEqual({ alertname: 'Down' });

    // Nothing changed: the next group_interval sends nothing.
    await new Promise((r) => setTimeout(r, 800));
    expect(rcv.received).toHaveLength(2);

    am.postAlerts([{ labels: { alertname: 'Down', instance: 'b' }, startsAt: t0, endsAt: Date.now() - 1 }]);
    const third = (await rcv.waitFor(3))[2]!.body as Payload;
    expect(names(third)).toEqual(['a:firing', 'b:resolved']);

    const log = JSON.parse(await readFile(path.join(dir, 'nflog.json'), 'utf8')) as { entries: unknown[] };
    expect(log.entries).toHaveLength(2);

    // A restart with the same data dir remembers what was sent.
    await am.stop();
    const again = await start(rcv, dir);
    again.am.postAlerts([
      { labels: { alertname: 'Down', instance: 'a' } },
      { labels: { alertname: 'Other', instance: 'c' } },
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(rcv.received).toHaveLength(3);
  });

  it('retries 500 and 503 until the receiver accepts', async () => {
    const rcv = await startHttpReceiver();
    cleanups.push(() => rcv.close());
    rcv.script.push(500, 503);
    const { am, dir } = await start(rcv);
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    am.postAlerts([{ labels: { alertname: 'X', instance: 'a' } }]);
    const got = await rcv.waitFor(1);
    expect(names(got[0]!.body)).toEqual(['a:firing']);
    expect(rcv.script).toEqual([]);
  });

  it('mutes silenced and inhibited alerts', async () => {
    const rcv = await startHttpReceiver();
    cleanups.push(() => rcv.close());
    const { am, dir } = await start(
      rcv,
      undefined,
      `inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]`,
    );
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const sil = await am.silences.set({
      matchers: [{ name: 'instance', value: 'silenced', isRegex: false, isEqual: true }],
      startsAt: Date.now(),
      endsAt: Date.now() + 3600_000,
      createdBy: 't',
      comment: 'c',
    });
    expect(sil.ok).toBe(true);
    am.postAlerts([
      { labels: { alertname: 'A', instance: 'x', severity: 'critical' } },
      { labels: { alertname: 'A', instance: 'x', severity: 'warning' } },
      { labels: { alertname: 'A', instance: 'y', severity: 'warning' } },
      { labels: { alertname: 'A', instance: 'silenced', severity: 'warning' } },
    ]);
    const got = await rcv.waitFor(1);
    expect((got[0]!.body as Payload).alerts.map((a) => `${a.labels.instance}/${a.labels.severity}`)).toEqual([
      'x/critical',
      'y/warning',
    ]);
  });
});
