/**
 * The user's path end to end on this machine: a CPU burner in a cgroup of its
 * own, `kubepulse start` collecting it, a rule on it, the embedded
 * alertmanager, and an email (into a real SMTP server) and a Slack message
 * (into a local receiver that checks Slack's payload) arriving. The latency
 * from the alert becoming active to each delivery must stay within the
 * evaluation interval + group_wait + 1 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { eventually as eventuallyWith } from './support/eventually.js';

const EVAL_INTERVAL_S = 1;
const GROUP_WAIT_S = 1;
const name = `kp-e2e-${randomBytes(3).toString('hex')}`;
// cgroup v1 hierarchies on this machine (cpu and cpuacct may be mounted together or apart).
const HIERARCHIES = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct'];

interface Delivery {
  readonly at: number;
  readonly body: unknown;
}
const emails: Delivery[] = [];
const slack: Delivery[] = [];
let smtp: SMTPServer;
let slackServer: Server;
let kp: Daemon;
let burner: ChildProcess | undefined;
const made: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          emails.push({ at: Date.now(), body: mail });
          done();
        })
        .catch(done);
    },
  });
  const smtpPort = await freePort();
  smtp.listen(smtpPort, '127.0.0.1');
  await once(smtp.server, 'listening');

  slackServer = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      slack.push({ at: Date.now(), body: JSON.parse(body) as unknown });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  slackServer.listen(0, '127.0.0.1');
  await once(slackServer, 'listening');
  const slackPort = (slackServer.address() as { port: number }).port;

  const dir = await tempDir('kp-e2e-');
  await writeFile(
    join(dir, 'rules.yaml'),
    [
      'groups:',
      '  - name: e2e',
      '    rules:',
      '      - alert: ContainerBurningCPU',
      `        expr: rate(container_cpu_usage_seconds_total{container="${name}"}[4s]) > 0.3`,
      '        labels: { severity: warning }',
      '        annotations:',
      '          summary: "{{ $labels.container }} uses {{ humanize $value }} CPU"',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'alertmanager.yml'),
    [
      'global:',
      `  smtp_smarthost: 127.0.0.1:${smtpPort}`,
      '  smtp_from: kubepulse@example.com',
      '  smtp_require_tls: false',
      'route:',
      '  receiver: team',
      `  group_wait: ${GROUP_WAIT_S}s`,
      '  group_interval: 5s',
      '  group_by: [alertname]',
      'receivers:',
      '  - name: team',
      '    email_configs:',
      '      - to: ops@example.com',
      '    slack_configs:',
      `      - api_url: http://127.0.0.1:${slackPort}/services/T000/B000/XXXX`,
      "        channel: '#alerts'",
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'kubepulse.yaml'),
    [
      'pipelines: { resource: { interval: 1s }, full: { interval: 1s } }',
      'procfs: { enabled: false }',
      `rules: { shippedPack: false, files: [${JSON.stringify(join(dir, 'rules.yaml'))}], evaluationInterval: ${EVAL_INTERVAL_S}s }`,
      `alertmanager: { configFile: ${JSON.stringify(join(dir, 'alertmanager.yml'))} }`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  kp = await startDaemon(['start', '--config', join(dir, 'kubepulse.yaml'), '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], port);

  // Only now the condition can become true: a busy loop in a cgroup of its own.
  burner = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  for (const h of HIERARCHIES) {
    try {
      await mkdir(join(h, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`cannot create a cgroup under ${h} (this test needs root): ${(e as Error).message}`, { cause: e });
    }
    made.push(join(h, name));
    await writeFile(join(h, name, 'cgroup.procs'), `${burner.pid}\n`);
  }
  if (made.length === 0) throw new Error(`no cgroup v1 cpu hierarchy under ${HIERARCHIES.join(', ')}`);
}, 120_000);

afterAll(async () => {
  if (burner && burner.exitCode === null) {
    burner.kill('SIGKILL');
    await once(burner, 'exit');
  }
  for (const dir of made) await rmdir(dir).catch(() => undefined);
  await kp?.stop();
  smtp?.close();
  slackServer?.close();
});

/** Polls every 50 ms: the test measures delivery latency. */
const eventually = <T>(what: string, fn: () => T | undefined | Promise<T | undefined>): Promise<T> =>
  eventuallyWith(what, fn, { timeoutMs: 60_000, intervalMs: 50 });

describe('alert end to end', () => {
  it('delivers an email and a Slack message within eval interval + group_wait + 1 s of the alert becoming active', async () => {
    type ApiAlerts = { data: { alerts: { labels: Record<string, string>; activeAt: string; state: string }[] } };
    const active = await eventually('the alert to become active', async () => {
      const r = (await (await fetch(`${kp.baseUrl}/api/v1/alerts`)).json()) as ApiAlerts;
      return r.data.alerts.find((a) => a.labels.alertname === 'ContainerBurningCPU');
    });
    const activeAt = Date.parse(active.activeAt);
    const mail = await eventually('the email', () => emails[0]);
    const message = await eventually('the Slack message', () => slack[0]);

    // When did the condition become true in the data? The first 100 ms step at which
    // the rule's expression has a result (it can be up to one evaluation before activeAt).
    const expr = `rate(container_cpu_usage_seconds_total{container="${name}"}[4s]) > 0.3`;
    const range = new URLSearchParams({ query: expr, start: String((activeAt - 5000) / 1000), end: String(activeAt / 1000), step: '0.1' });
    type Matrix = { data: { result: { values: [number, string][] }[] } };
    const points = ((await (await fetch(`${kp.baseUrl}/api/v1/query_range?${range}`)).json()) as Matrix).data.result[0]?.values ?? [];
    const trueAt = points.length > 0 ? (points[0] as [number, string])[0] * 1000 : activeAt;

    const budgetMs = (EVAL_INTERVAL_S + GROUP_WAIT_S + 1) * 1000;
    const emailLatency = mail.at - trueAt;
    const slackLatency = message.at - trueAt;
    console.log(
      `condition true at ${new Date(trueAt).toISOString()}, alert active at ${active.activeAt}; ` +
        `email after ${emailLatency} ms, Slack after ${slackLatency} ms (budget ${budgetMs} ms)`,
    );
    expect(emailLatency).toBeLessThanOrEqual(budgetMs);
    expect(slackLatency).toBeLessThanOrEqual(budgetMs);

    const parsed = mail.body as { subject: string; to: { text: string }; from: { text: string }; html: string | false; text: string };
    expect(parsed.to.text).toBe('ops@example.com');
    expect(parsed.from.text).toBe('kubepulse@example.com');
    expect(parsed.subject).toContain('ContainerBurningCPU');
    expect(parsed.html || '').toContain(name);
    const payload = message.body as { channel?: string; attachments?: { color?: string }[]; blocks?: unknown[] };
    expect(payload.channel).toBe('#alerts');
    expect(JSON.stringify(payload)).toContain('ContainerBurningCPU');
  });
});
