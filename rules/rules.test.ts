/**
 * The shipped rule pack: every file passes kubepulse's and the real
 * promtool's checks, every unit test passes under both, and no rule escapes
 * testing (each alert is seen firing and seen silent; each recording rule is
 * queried).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseRuleFile, type AlertingRuleSpec, type RecordingRuleSpec } from '../collector/ruler/index.js';
import { parseTestFile, runRuleTests, type TestFile } from '../collector/ruler/unit-test/index.js';

const rulesDir = import.meta.dirname;
const all = readdirSync(rulesDir).sort();
const ruleFiles = all.filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'));
const testFiles = all.filter((f) => f.endsWith('.test.yaml'));
const abs = (f: string): string => path.join(rulesDir, f);

function loadRules(): { alerts: AlertingRuleSpec[]; records: RecordingRuleSpec[] } {
  const alerts: AlertingRuleSpec[] = [];
  const records: RecordingRuleSpec[] = [];
  for (const f of ruleFiles) {
    const r = parseRuleFile(f, readFileSync(abs(f), 'utf8'));
    if (!r.ok) throw new Error(r.error.join('\n'));
    for (const g of r.value.groups)
      for (const rule of g.rules) {
        if (rule.kind === 'alerting') alerts.push(rule);
        else records.push(rule);
      }
  }
  return { alerts, records };
}

function loadTests(): TestFile[] {
  return testFiles.map((f) => {
    const r = parseTestFile(f, readFileSync(abs(f), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
}

/** promtool from Debian's prometheus package; its absence is a failure, not a skip. */
async function promtool(args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { cwd: rulesDir });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof x.code === 'number' ? x.code : -1,
      output: `${String(x.code)} ${x.stdout ?? ''}${x.stderr ?? ''}`,
    };
  }
}

// The three slow checks overlap: two are promtool child processes.
describe('rule pack', () => {
  it('has one rule file per area, each with its unit tests', () => {
    expect(ruleFiles).toEqual([
      'kubepulse.yaml',
      'kubernetes-apps.yaml',
      'kubernetes-resources.yaml',
      'kubernetes-system.yaml',
      'node.yaml',
      'recording.yaml',
    ]);
    expect(testFiles).toEqual(ruleFiles.map((f) => f.replace(/\.yaml$/, '.test.yaml')));
  });

  it.concurrent('passes every unit test under kubepulse rules test', async ({ expect }) => {
    let out = '';
    const code = await runRuleTests(testFiles.map(abs), { stdout: (t) => (out += t) });
    expect(out, out).not.toContain('FAILED');
    expect(code, out).toBe(0);
    expect(out.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });

  it('passes kubepulse rules check, with legacy (Prometheus 2) names too', () => {
    for (const f of ruleFiles) {
      const r = parseRuleFile(f, readFileSync(abs(f), 'utf8'), { nameValidation: 'legacy' });
      expect(r.ok ? [] : r.error, f).toEqual([]);
    }
  });

  it.concurrent('passes the real promtool check rules', async ({ expect }) => {
    const r = await promtool(['check', 'rules', ...ruleFiles]);
    expect(r.code, r.output).toBe(0);
  });

  it.concurrent('passes the real promtool test rules (left-closed windows, 2.x)', async ({ expect }) => {
    const r = await promtool(['test', 'rules', ...testFiles]);
    expect(r.code, r.output).toBe(0);
  });

  it('tests every alert firing and not firing, at every severity it has', () => {
    const { alerts } = loadRules();
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const tf of loadTests())
      for (const g of tf.tests)
        for (const t of g.alert_rule_test) {
          if (t.exp_alerts.length === 0) silent.add(t.alertname);
          for (const a of t.exp_alerts) firing.add(`${t.alertname}/${a.exp_labels.severity ?? ''}`);
        }
    const untested = alerts
      .filter((a) => !firing.has(`${a.alert}/${a.labels.severity}`))
      .map((a) => `${a.alert}/${a.labels.severity}`);
    expect(untested, 'alerts never expected to fire').toEqual([]);
    expect(
      alerts.filter((a) => !silent.has(a.alert)).map((a) => a.alert),
      'alerts never expected to stay silent',
    ).toEqual([]);
  });

  it('queries every recording rule in a promql_expr_test', () => {
    const { records } = loadRules();
    const queried = loadTests().flatMap((tf) => tf.tests.flatMap((g) => g.promql_expr_test.map((t) => t.expr)));
    const names = (expr: string): string[] => expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
    const seen = new Set(queried.flatMap(names));
    expect(records.filter((r) => !seen.has(r.record)).map((r) => r.record)).toEqual([]);
  });

  it('gives every alert a severity, a summary and a description', () => {
    const bad = loadRules()
      .alerts.filter(
        (a) =>
          !['critical', 'warning', 'info'].includes(a.labels.severity ?? '') ||
          !a.annotations.summary?.trim() ||
          !a.annotations.description?.trim(),
      )
      .map((a) => a.alert);
    expect(bad).toEqual([]);
  });

  it('lists every alert, at every severity, in the README', () => {
    const readme = readFileSync(abs('README.md'), 'utf8');
    const missing = loadRules()
      .alerts.filter((a) => !new RegExp(`^\\| ${a.alert} +\\| ${a.labels.severity ?? ''} +\\|`, 'm').test(readme))
      .map((a) => `${a.alert}/${a.labels.severity}`);
    expect(missing).toEqual([]);
  });

  it('ships the alerts users know from kubernetes-mixin and node-mixin, with their runbooks', () => {
    const { alerts } = loadRules();
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    const kubernetes = [
      'KubePodCrashLooping',
      'KubePodNotReady',
      'KubeDeploymentReplicasMismatch',
      'KubeDeploymentRolloutStuck',
      'KubeStatefulSetReplicasMismatch',
      'KubeDaemonSetRolloutStuck',
      'KubeContainerWaiting',
      'KubeJobFailed',
      'KubeHpaMaxedOut',
      'KubeCPUOvercommit',
      'KubeMemoryOvercommit',
      'KubeNodeNotReady',
      'KubeNodePressure',
      'KubeletTooManyPods',
      'CPUThrottlingHigh',
    ];
    const node = [
      'NodeFilesystemSpaceFillingUp',
      'NodeFilesystemAlmostOutOfSpace',
      'NodeMemoryHighUtilization',
      'NodeCPUHighUsage',
      'NodeSystemSaturation',
      'NodeDiskIOSaturation',
    ];
    const runbook = (area: string, name: string): string =>
      `https://runbooks.prometheus-operator.dev/runbooks/${area}/${name.toLowerCase()}`;
    for (const n of kubernetes) expect(byName.get(n)?.annotations.runbook_url, n).toBe(runbook('kubernetes', n));
    for (const n of node) expect(byName.get(n)?.annotations.runbook_url, n).toBe(runbook('node', n));
    for (const n of ['KubePodOOMKilled', 'CPUThrottlingSlowingWorkload', 'ContainerMemoryNearLimit'])
      expect(byName.has(n), n).toBe(true);
    // Throttling alone is noise (the mixin demoted it); the confirmed case warns.
    expect(byName.get('CPUThrottlingHigh')?.labels.severity).toBe('info');
    expect(byName.get('CPUThrottlingSlowingWorkload')?.labels.severity).toBe('warning');
  });
});
