/** Routing into groups, `continue`, `group_by: [...]`, time intervals, repeat_interval and max_alerts, end to end through webhooks. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerCore } from '../alertmanager.js';
import { loadConfigText } from '../config/index.js';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Payload {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: Array<{ labels: Record<string, string> }>;
  truncatedAlerts: number;
}

async function setup(
  yaml: (url: string) => string,
  clock?: () => number,
): Promise<{ am: AlertmanagerCore; rcv: HttpReceiver }> {
  const rcv = await startHttpReceiver();
  cleanups.push(() => rcv.close());
  const dir = await mkdtemp(path.join(tmpdir(), 'am-dispatch-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  const loaded = loadConfigText(path.join(dir, 'am.yml'), yaml(rcv.url));
  if (!loaded.ok) throw loaded.error;
  const am = await AlertmanagerCore.open({ config: loaded.value, dataDir: dir, externalUrl: 'http://am', clock });
  if (!am.ok) throw am.error;
  cleanups.push(() => am.value.stop());
  return { am: am.value, rcv };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bodies = (rcv: HttpReceiver): Payload[] => rcv.received.map((r) => r.body as Payload);

describe('dispatch', () => {
  it('follows continue into several receivers and groups by every label with ...', async () => {
    const { am, rcv } = await setup(
      (url) => `
route:
  receiver: fallback
  group_wait: 50ms
  group_interval: 1s
  routes:
    - matchers: [team="db"]
      receiver: dba
      group_by: ['...']
      continue: true
    - matchers: [severity="critical"]
      receiver: pager
      group_by: [severity]
receivers:
  - { name: fallback, webhook_configs: [{ url: '${url}/fallback' }] }
  - { name: dba, webhook_configs: [{ url: '${url}/dba' }] }
  - { name: pager, webhook_configs: [{ url: '${url}/pager' }] }
`,
    );
    am.postAlerts([
      { labels: { alertname: 'A', team: 'db', severity: 'critical' } },
      { labels: { alertname: 'B', team: 'db', severity: 'critical' } },
      { labels: { alertname: 'C', team: 'web' } },
    ]);
    await rcv.waitFor(4);
    await sleep(200);
    const got = rcv.received
      .map((r) => `${r.path} ${(r.body as Payload).groupKey} ${(r.body as Payload).alerts.length}`)
      .sort();
    expect(got).toEqual([
      '/hook/dba {}/{team="db"}:{alertname="A", severity="critical", team="db"} 1',
      '/hook/dba {}/{team="db"}:{alertname="B", severity="critical", team="db"} 1',
      '/hook/fallback {}:{} 1',
      '/hook/pager {}/{severity="critical"}:{severity="critical"} 2',
    ]);
  });

  it('sends nothing inside a mute_time_interval or outside an active_time_interval', async () => {
    const saturday = Date.UTC(2026, 0, 3, 12, 0); // a Saturday
    const { am, rcv } = await setup(
      (url) => `
time_intervals:
  - name: weekend
    time_intervals: [{ weekdays: ['saturday', 'sunday'] }]
  - name: office
    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }] }]
route:
  receiver: r
  group_by: [alertname]
  group_wait: 50ms
  group_interval: 1s
  routes:
    - { matchers: [kind="muted"], mute_time_intervals: [weekend], receiver: r }
    - { matchers: [kind="office"], active_time_intervals: [office], receiver: r }
receivers:
  - { name: r, webhook_configs: [{ url: '${url}' }] }
`,
      () => saturday,
    );
    am.postAlerts([
      { labels: { alertname: 'M', kind: 'muted' }, startsAt: saturday },
      { labels: { alertname: 'O', kind: 'office' }, startsAt: saturday },
      { labels: { alertname: 'Plain' }, startsAt: saturday },
    ]);
    await rcv.waitFor(1);
    await sleep(300);
    expect(bodies(rcv).map((b) => b.groupLabels.alertname)).toEqual(['Plain']);
  });

  it('repeats after repeat_interval and cuts the payload at max_alerts', async () => {
    const { am, rcv } = await setup(
      (url) => `
route: { receiver: r, group_wait: 50ms, group_interval: 250ms, repeat_interval: 600ms }
receivers:
  - { name: r, webhook_configs: [{ url: '${url}', max_alerts: 2 }] }
`,
    );
    am.postAlerts(['a', 'b', 'c'].map((i) => ({ labels: { alertname: 'X', instance: i } })));
    const [first, second] = await rcv.waitFor(2, 5000);
    const gap = second!.at - first!.at;
    expect(gap).toBeGreaterThanOrEqual(600);
    expect(gap).toBeLessThan(1200);
    const p = first!.body as Payload;
    expect(p.alerts.map((a) => a.labels.instance)).toEqual(['a', 'b']);
    expect(p.truncatedAlerts).toBe(1);
    expect(p).toMatchObject({
      receiver: 'r',
      groupKey: '{}:{}',
      groupLabels: {},
      commonLabels: { alertname: 'X' },
      version: '4',
      externalURL: 'http://am',
    });
  });
});
