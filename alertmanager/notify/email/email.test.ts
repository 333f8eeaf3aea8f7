import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertmanagerCore } from '../../alertmanager.js';
import { loadConfigText } from '../../config/index.js';
import { openTestCore } from '../../testing/open-core.js';

interface Received {
  readonly mail: ParsedMail;
  readonly user: string | undefined;
  readonly secure: boolean;
  readonly rcpt: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSmtp(
  opts: { secure?: boolean; failFirst?: number } = {},
): Promise<{ port: number; got: Received[] }> {
  const got: Received[] = [];
  let failures = opts.failFirst ?? 0;
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 's3cret-pw') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures-- > 0) {
          const e = new Error('try again later') as Error & { responseCode: number };
          e.responseCode = 451;
          cb(e);
          return;
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          got.push({
            mail,
            user: session.user as string | undefined,
            secure: session.secure,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
          });
          cb();
        });
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.server.address() as AddressInfo).port, got };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startAm(yaml: string, dir: string): Promise<AlertmanagerCore> {
  const loaded = loadConfigText(path.join(dir, 'am.yml'), yaml);
  const am = await openTestCore(
    loaded,
    {
      dataDir: dir,
      externalUrl: 'http://am.example:9093',
      initialBackoffMs: 50,
    },
    cleanups,
  );
  return am;
}

describe('email integration', () => {
  it('sends subject, addresses, custom headers, HTML and text over STARTTLS with auth from a password file', async () => {
    const smtp = await startSmtp({ failFirst: 1 });
    const dir = await mkdtemp(path.join(tmpdir(), 'am-email-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    await writeFile(path.join(dir, 'smtp-pass'), 's3cret-pw\n');
    const am = await startAm(
      `
global:
  smtp_smarthost: 127.0.0.1:${smtp.port}
  smtp_from: alertmanager@example.org
route:
  receiver: mail
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 2s
receivers:
  - name: mail
    email_configs:
      - to: oncall@example.org, boss@example.org
        auth_username: alerts
        auth_password_file: smtp-pass
        require_tls: true
        tls_config: { insecure_skip_verify: true }
        headers: { X-Team: storage }
`,
      dir,
    );
    am.postAlerts([
      {
        labels: { alertname: 'DiskFull', instance: 'node-1', severity: 'critical' },
        annotations: { summary: 'disk <90%> full' },
      },
      { labels: { alertname: 'DiskFull', instance: 'node-2', severity: 'critical' } },
    ]);
    await until(() => smtp.got.length === 1);
    const { mail, user, secure, rcpt } = smtp.got[0]!;
    expect(user).toBe('alerts');
    expect(secure).toBe(true); // upgraded with STARTTLS
    expect(rcpt.sort()).toEqual(['boss@example.org', 'oncall@example.org']);
    expect(mail.subject).toBe('[FIRING:2] DiskFull (critical)');
    expect(mail.from?.text).toBe('alertmanager@example.org');
    expect(mail.headers.get('x-team')).toBe('storage');
    expect(mail.html).toContain('[2] Firing');
    expect(mail.html).toContain('instance = node-1');
    expect(mail.html).toContain('summary = disk &lt;90%&gt; full');
    expect(mail.text).toContain('Alerts Firing:');
    expect(mail.text).toContain(' - instance = node-2');
    expect(mail.text).toContain('http://am.example:9093/#/alerts?receiver=mail');
  });

  it('uses implicit TLS on port 465 semantics (force_implicit_tls) and reports a wrong password without leaking it', async () => {
    const smtp = await startSmtp({ secure: true });
    const dir = await mkdtemp(path.join(tmpdir(), 'am-email-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const logs: string[] = [];
    const loaded = loadConfigText(
      path.join(dir, 'am.yml'),
      `
route: { receiver: mail, group_wait: 50ms, group_interval: 1s }
receivers:
  - name: mail
    email_configs:
      - to: a@example.org
        from: am@example.org
        smarthost: 127.0.0.1:${smtp.port}
        force_implicit_tls: true
        require_tls: false
        auth_username: alerts
        auth_password: wrong-password-123
        tls_config: { insecure_skip_verify: true }
`,
    );
    const am = await openTestCore(
      loaded,
      {
        dataDir: dir,
        externalUrl: 'http://x',
        initialBackoffMs: 20,
        logger: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields)}`),
      },
      cleanups,
    );
    am.postAlerts([{ labels: { alertname: 'A' } }]);
    await until(() => logs.some((l) => l.includes('notify failed')));
    expect(smtp.got).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/535|Invalid username/);
    expect(logs.join('\n')).not.toContain('wrong-password-123');
  });

  it('reports an SMTP server that is down, counts the failure and keeps running', async () => {
    const { Registry } = await import('prom-client');
    const { createServer } = await import('node:net');
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const dir = await mkdtemp(path.join(tmpdir(), 'am-email-down-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const logs: string[] = [];
    const registry = new Registry();
    const loaded = loadConfigText(
      path.join(dir, 'am.yml'),
      `route: { receiver: mail, group_wait: 50ms, group_interval: 1s }\nreceivers:\n  - name: mail\n    email_configs:\n      - { to: a@example.org, from: am@example.org, smarthost: '127.0.0.1:${port}', require_tls: false, auth_username: alerts, auth_password: hunter2-secret }\n`,
    );
    const am = await openTestCore(
      loaded,
      {
        dataDir: dir,
        externalUrl: 'http://x',
        initialBackoffMs: 20,
        registry,
        logger: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields)}`),
      },
      cleanups,
    );
    am.postAlerts([{ labels: { alertname: 'SmtpDown' } }]);
    await until(() => logs.some((l) => l.includes('notify failed')));
    expect(logs.join('\n')).toMatch(/ECONNREFUSED|connect/);
    expect(logs.join('\n')).not.toContain('hunter2-secret');
    const failed = (await registry.getSingleMetricAsString('kubepulse_notifications_failed_total'))
      .split('\n')
      .filter((l) => l.startsWith('kubepulse_notifications_failed_total{'));
    expect(failed.some((l) => l.includes('integration="email"') && Number(l.split(' ').pop()) >= 1)).toBe(true);
  });
});
