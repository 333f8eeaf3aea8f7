import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertmanagerCore } from '../../alertmanager.js';
import { loadConfigText } from '../../config/index.js';
import { startHttpReceiver, type HttpReceiver } from '../../testing/http-receiver.js';
import { openTestCore } from '../../testing/open-core.js';

interface Block {
  type: string;
  text?: { type: string; text: string };
}
interface SlackBody {
  text: string;
  channel?: string;
  username?: string;
  icon_emoji?: string;
  blocks: Block[];
  attachments: Array<{ color: string; title: string; title_link: string }>;
}

/** What Slack itself would reject, as the receiver's 400 answer. */
function validateBlockKit(body: unknown): string | undefined {
  const b = body as SlackBody;
  if (typeof b.text !== 'string' || b.text.length > 40000) return 'bad text';
  if (!Array.isArray(b.blocks) || b.blocks.length === 0 || b.blocks.length > 50)
    return `bad block count ${b.blocks?.length}`;
  for (const bl of b.blocks) {
    if (bl.type === 'header') {
      if (bl.text?.type !== 'plain_text' || bl.text.text.length > 150 || bl.text.text.length === 0) return 'bad header';
    } else if (bl.type === 'section') {
      if (bl.text?.type !== 'mrkdwn' || bl.text.text.length > 3000 || bl.text.text.length === 0) return 'bad section';
    } else return `unknown block ${bl.type}`;
  }
  if (!['danger', 'warning', 'good'].includes(b.attachments?.[0]?.color ?? '')) return 'bad color';
  return undefined;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra = ''): Promise<{ am: AlertmanagerCore; rcv: HttpReceiver; registry: Registry }> {
  const rcv = await startHttpReceiver(validateBlockKit);
  cleanups.push(() => rcv.close());
  const dir = await mkdtemp(path.join(tmpdir(), 'am-slack-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  const loaded = loadConfigText(
    path.join(dir, 'am.yml'),
    `
route: { receiver: chat, group_by: [alertname], group_wait: 50ms, group_interval: 3s }
receivers:
  - name: chat
    slack_configs:
      - api_url: ${rcv.url}/T000/B000/XXXXsecrettoken
        channel: '#ops'
        username: kubepulse
        icon_emoji: ':fire:'
        send_resolved: true
${extra}
`,
  );
  const registry = new Registry();
  const am = await openTestCore(loaded, { dataDir: dir, externalUrl: 'http://am.local', initialBackoffMs: 30, registry }, cleanups);
  return { am, rcv, registry };
}

describe('Slack integration', () => {
  it('sends Block Kit plus a coloured attachment, retrying a 500 and a 429', async () => {
    const { am, rcv, registry } = await setup();
    rcv.script.push(500, 429);
    am.postAlerts([
      {
        labels: { alertname: 'HighLatency', severity: 'warning', service: 'api' },
        annotations: { summary: 'p99 over 2s' },
      },
    ]);
    const [got] = await rcv.waitFor(1);
    const body = got!.body as SlackBody;
    expect(got!.path).toBe('/hook/T000/B000/XXXXsecrettoken');
    expect(body.channel).toBe('#ops');
    expect(body.username).toBe('kubepulse');
    expect(body.icon_emoji).toBe(':fire:');
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[FIRING:1] HighLatency (api warning)', emoji: true },
    });
    expect(body.blocks[1]!.text!.text).toContain('*HighLatency* (firing)');
    expect(body.blocks[1]!.text!.text).toContain('p99 over 2s');
    expect(body.attachments[0]).toMatchObject({
      color: 'warning',
      title_link: 'http://am.local/#/alerts?receiver=chat',
    });
    // The receiver records the request before our side has read the answer.
    let metrics = '';
    for (let i = 0; i < 50 && !metrics.includes('total{integration="slack"} 3'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      metrics = await registry.metrics();
    }
    expect(metrics).toContain('kubepulse_notifications_total{integration="slack"} 3');
    expect(metrics).toContain('kubepulse_notifications_failed_total{integration="slack",reason="serverError"} 2');
  });

  it('keeps within Slack limits for many alerts and long text, saying how many were left out', async () => {
    const { am, rcv } = await setup();
    am.postAlerts(
      Array.from({ length: 70 }, (_, i) => ({
        labels: { alertname: 'PodCrash', pod: `pod-${String(i).padStart(2, '0')}`, severity: 'critical' },
        annotations: { summary: 'x'.repeat(4000) },
      })),
    );
    const [got] = await rcv.waitFor(1);
    const body = got!.body as SlackBody;
    expect(body.blocks).toHaveLength(50);
    expect(body.blocks[49]!.text!.text).toBe('…and 22 more alerts not shown.');
    expect(body.blocks[1]!.text!.text.length).toBe(3000);
    expect(body.attachments[0]!.color).toBe('danger');
  });

  it('does not retry a 404 and never logs the webhook URL', async () => {
    const { rcv } = await setup();
    await rcv.close();
    const logs: string[] = [];
    const dir = await mkdtemp(path.join(tmpdir(), 'am-slack-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const other = await startHttpReceiver();
    cleanups.push(() => other.close());
    other.script.push(404);
    const loaded = loadConfigText(
      path.join(dir, 'am.yml'),
      `route: { receiver: chat, group_wait: 50ms, group_interval: 2s }
receivers:
  - name: chat
    slack_configs: [{ api_url: '${other.url}/services/SECRETPATH' }]`,
    );
    const am = await openTestCore(
      loaded,
      {
        dataDir: dir,
        externalUrl: 'http://x',
        initialBackoffMs: 20,
        logger: (l, m, f) => logs.push(`${l} ${m} ${JSON.stringify(f)}`),
      },
      cleanups,
    );
    am.postAlerts([{ labels: { alertname: 'A' } }]);
    const end = Date.now() + 5000;
    while (!logs.some((l) => l.includes('notify failed')) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    const text = logs.join('\n');
    expect(text).toContain('unexpected status code 404');
    expect(text).toContain('not retrying');
    expect(text).not.toContain('SECRETPATH');
    expect(other.script).toEqual([]);
  });
});
