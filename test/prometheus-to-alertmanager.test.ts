/**
 * A real Prometheus (Debian 2.42) evaluating its own rule and sending the
 * alert to kubepulse's embedded alertmanager over Alertmanager's API v2,
 * as it would to a real Alertmanager.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.js';

let kp: Daemon;
let prom: RunningPrometheus;

beforeAll(async () => {
  const dir = await tempDir('kp-prom-am-');
  await writeFile(join(dir, 'kubepulse.yaml'), 'procfs: { enabled: false }\ncgroup: { enabled: false }\nrules: { shippedPack: false }\n');
  const port = await freePort();
  kp = await startDaemon(['start', '--config', join(dir, 'kubepulse.yaml'), '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], port);
  const rules = join(dir, 'prom-rules.yml');
  await writeFile(
    rules,
    'groups:\n  - name: p\n    rules:\n      - alert: FromPrometheus\n        expr: vector(1)\n        labels: { severity: critical, team: infra }\n        annotations: { summary: "sent by a real Prometheus" }\n',
  );
  prom = await startPrometheus({
    config: [
      'global: { evaluation_interval: 1s, scrape_interval: 15s }',
      `rule_files: [${JSON.stringify(rules)}]`,
      'alerting:',
      '  alertmanagers:',
      '    - api_version: v2',
      `      static_configs: [{ targets: ["127.0.0.1:${port}"] }]`,
      '',
    ].join('\n'),
    // Prometheus drops alerts evaluated before its Alertmanager targets are discovered and
    // resends only after the resend delay (1m by default); shorten it for the test.
    flags: ['--rules.alert.resend-delay=1s'],
  });
});

afterAll(async () => {
  await prom?.stop();
  await kp?.stop();
});

describe('Prometheus → kubepulse alertmanager', () => {
  it('receives the alert with its labels and annotations, and lists it in its groups', async () => {
    type Alert = { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string }; generatorURL: string };
    const deadline = Date.now() + 30_000;
    let alert: Alert | undefined;
    while (!alert && Date.now() < deadline) {
      const list = (await (await fetch(`${kp.baseUrl}/api/v2/alerts`)).json()) as Alert[];
      alert = list.find((a) => a.labels.alertname === 'FromPrometheus');
      if (!alert) await new Promise((r) => setTimeout(r, 250));
    }
    expect(alert, `Prometheus log:\n${prom.log().slice(-2000)}`).toBeDefined();
    expect(alert?.labels).toEqual({ alertname: 'FromPrometheus', severity: 'critical', team: 'infra' });
    expect(alert?.annotations).toEqual({ summary: 'sent by a real Prometheus' });
    expect(alert?.status.state).toBe('active');
    expect(alert?.generatorURL).toContain('/graph?g0.expr=vector%281%29');
    const groups = (await (await fetch(`${kp.baseUrl}/api/v2/alerts/groups`)).json()) as { alerts: Alert[] }[];
    expect(groups.flatMap((g) => g.alerts).some((a) => a.labels.alertname === 'FromPrometheus')).toBe(true);
  });
});
