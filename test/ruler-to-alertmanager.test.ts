/**
 * kubepulse start evaluates a rule on this machine's real node metrics and
 * sends the alert to the real Alertmanager (Debian prometheus-alertmanager),
 * where `/api/v2/alerts` shows it with our labels and annotations. Also: the
 * rules show up on /api/v1/rules and /api/v1/alerts in Prometheus' shapes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { eventually as waitFor } from './support/eventually.js';

let am: ChildProcess;
let amUrl: string;
let kp: Daemon;

beforeAll(async () => {
  const dir = await tempDir('kp-am-');
  const amPort = await freePort();
  amUrl = `http://127.0.0.1:${amPort}`;
  await writeFile(join(dir, 'am.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  am = spawn(
    'prometheus-alertmanager',
    [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='],
    { stdio: 'ignore' },
  );
  am.once('error', (e) => {
    throw new Error(`cannot start prometheus-alertmanager (install Debian's prometheus-alertmanager): ${e.message}`);
  });
  await waitFor('Alertmanager ready', async () => ((await fetch(`${amUrl}/-/ready`)).status === 200 ? true : undefined));

  await writeFile(
    join(dir, 'rules.yaml'),
    [
      'groups:',
      '  - name: machine',
      '    interval: 1s',
      '    rules:',
      '      - alert: MachineHasMemory',
      '        expr: node_memory_MemTotal_bytes > 0',
      '        labels: { severity: info }',
      '        annotations:',
      '          summary: "{{ $labels.instance }} has {{ humanize1024 $value }}B of memory"',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'kubepulse.yaml'),
    [
      'pipelines: { resource: { interval: 1s }, full: { interval: 1s } }',
      'rules:',
      '  shippedPack: false',
      `  files: [${JSON.stringify(join(dir, 'rules.yaml'))}]`,
      'alerting:',
      `  alertmanagers: [${JSON.stringify(amUrl)}]`,
      '  externalLabels: { cluster: test }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  kp = await startDaemon(['start', '--config', join(dir, 'kubepulse.yaml'), '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], port);
});

afterAll(async () => {
  await kp?.stop();
  if (am && am.exitCode === null) {
    am.kill('SIGTERM');
    await once(am, 'exit');
  }
});

describe('ruler → real Alertmanager', () => {
  it('delivers a firing alert with labels, external labels and expanded annotations', async () => {
    type AmAlert = { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string }; generatorURL: string };
    const alert = await waitFor('the alert in Alertmanager', async () => {
      const list = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AmAlert[];
      return list.find((a) => a.labels.alertname === 'MachineHasMemory');
    });
    expect(alert.labels).toMatchObject({ alertname: 'MachineHasMemory', severity: 'info', cluster: 'test', job: 'node' });
    expect(alert.labels.__name__).toBeUndefined();
    expect(alert.annotations.summary).toMatch(/^\S+ has [\d.]+GiB of memory$/);
    expect(alert.status.state).toBe('active');
    expect(alert.generatorURL).toContain(`${kp.baseUrl}/graph?g0.expr=`);
  });

  it('serves the rule and its alert on /api/v1/rules and /api/v1/alerts', async () => {
    const rules = (await (await fetch(`${kp.baseUrl}/api/v1/rules`)).json()) as {
      status: string;
      data: { groups: { name: string; rules: { name: string; type: string; health: string; state: string }[] }[] };
    };
    expect(rules.status).toBe('success');
    expect(rules.data.groups[0]).toMatchObject({ name: 'machine', rules: [{ name: 'MachineHasMemory', type: 'alerting', health: 'ok', state: 'firing' }] });
    const alerts = (await (await fetch(`${kp.baseUrl}/api/v1/alerts`)).json()) as { data: { alerts: { state: string; labels: Record<string, string> }[] } };
    expect(alerts.data.alerts[0]).toMatchObject({ state: 'firing', labels: { alertname: 'MachineHasMemory' } });
  });
});

describe('rule files', () => {
  it('are reloaded when they change on disk, and a broken edit keeps the running rules', async () => {
    const dir = await tempDir('kp-reload-');
    const rules = join(dir, 'rules.yaml');
    await writeFile(rules, 'groups:\n  - name: g\n    rules:\n      - record: first:up\n        expr: vector(1)\n');
    await writeFile(join(dir, 'kubepulse.yaml'), `procfs: { enabled: false }\ncgroup: { enabled: false }\nrules: { shippedPack: false, files: [${JSON.stringify(rules)}] }\n`);
    const port = await freePort();
    const d = await startDaemon(['start', '--config', join(dir, 'kubepulse.yaml'), '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], port);
    try {
      const names = async (): Promise<string[]> => {
        const r = (await (await fetch(`${d.baseUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
        return r.data.groups.flatMap((g) => g.rules.map((x) => x.name));
      };
      expect(await names()).toEqual(['first:up']);
      await writeFile(rules, 'groups:\n  - name: g\n    rules:\n      - record: second:up\n        expr: vector(2)\n');
      await waitFor('the edited rule', async () => ((await names()).includes('second:up') ? true : undefined), { timeoutMs: 15_000 });
      await writeFile(rules, 'groups:\n  - name: g\n    rules:\n      - record: broken\n        expr: sum(\n');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await names()).toEqual(['second:up']);
      expect(d.output().stderr).toContain('reloading rules failed');
    } finally {
      await d.stop();
    }
  });
});
