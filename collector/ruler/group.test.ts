import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { createEngine } from '../promql/index.js';
import { openTsdb, type Tsdb } from '../tsdb/index.js';
import type { Alert } from './alert.js';
import { RuleGroup } from './group.js';
import { engineQueryFn } from './rule-query.js';
import { parseRuleFile } from './rule-file.js';

const RULES = `
groups:
  - name: pods
    interval: 1m
    rules:
      - record: namespace:cpu:sum
        expr: sum by (namespace) (cpu)
      - alert: HighCPU
        expr: cpu > 0.8
        for: 2m
        labels: { severity: warning }
        annotations:
          summary: "{{ $labels.pod }} uses {{ humanizePercentage $value }}"
`;

async function setup(store?: Tsdb) {
  const opened = store ? undefined : await openTsdb({});
  if (opened && !opened.ok) throw opened.error;
  const tsdb = store ?? opened!.value;
  const file = parseRuleFile('pods.yaml', RULES);
  if (!file.ok) throw new Error(file.error.join('\n'));
  const sent: Alert[][] = [];
  const group = new RuleGroup({
    spec: file.value.groups[0]!,
    intervalMs: 60_000,
    queryOffsetMs: 0,
    query: engineQueryFn(createEngine(tsdb)),
    appendable: tsdb,
    queryable: tsdb,
    sink: (a) => {
      sent.push([...a]);
      return Promise.resolve();
    },
    externalLabels: { cluster: 'kind' },
    externalUrl: 'http://kp:9470',
    resendDelayMs: 60_000,
    outageToleranceMs: 3_600_000,
    logger: silentLogger,
  });
  return { tsdb, group, sent };
}

async function load(tsdb: Tsdb, values: Record<string, number[]>): Promise<void> {
  const app = tsdb.appender();
  for (const [pod, vs] of Object.entries(values)) {
    vs.forEach((v, i) => app.append({ __name__: 'cpu', namespace: 'shop', pod }, i * 60_000, v));
  }
  await app.commit();
}

const at = async (tsdb: Tsdb, expr: string, t: number) => {
  const r = await createEngine(tsdb).instantQuery(expr, t);
  if (!r.ok || r.value.value.type !== 'vector') throw new Error('query failed');
  return r.value.value.samples.map((s) => ({ labels: s.labels, v: s.v }));
};

describe('rule groups', () => {
  it('moves an alert from pending to firing after `for`, records, and resolves it', async () => {
    const { tsdb, group, sent } = await setup();
    // api-0 is hot from minute 1 to 4, then cools down; api-1 never is.
    await load(tsdb, { 'api-0': [0.1, 0.9, 0.95, 0.9, 0.97, 0.2, 0.2], 'api-1': [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] });
    const rule = group.rules[1]!;
    const states: string[] = [];
    for (let m = 0; m <= 6; m++) {
      await group.evaluate(m * 60_000);
      states.push(rule.kind === 'alerting' ? rule.state() : '');
    }
    expect(states).toEqual(['inactive', 'pending', 'pending', 'firing', 'firing', 'inactive', 'inactive']);

    // The recording rule wrote its series; ALERTS shows the states over time.
    expect(await at(tsdb, 'namespace:cpu:sum', 60_000)).toEqual([{ labels: { __name__: 'namespace:cpu:sum', namespace: 'shop' }, v: 1 }]);
    expect((await at(tsdb, 'ALERTS', 2 * 60_000))[0]?.labels.alertstate).toBe('pending');
    expect((await at(tsdb, 'ALERTS', 3 * 60_000))[0]?.labels).toEqual({
      __name__: 'ALERTS', alertname: 'HighCPU', alertstate: 'firing', namespace: 'shop', pod: 'api-0', severity: 'warning',
    });
    expect(await at(tsdb, 'ALERTS', 5 * 60_000)).toEqual([]); // stale marker ends it at once

    // Sent: firing at minute 3, resent after the 1m resend delay at 5? No: at 4 (3+1m is not before 4) only at 5,
    // then resolved at 5 with endsAt = resolution time.
    const firing = sent.flat().filter((a) => a.endsAt > a.startsAt && a.endsAt !== 5 * 60_000);
    expect(firing[0]).toMatchObject({
      labels: { alertname: 'HighCPU', cluster: 'kind', pod: 'api-0', severity: 'warning' },
      annotations: { summary: 'api-0 uses 90%' },
      startsAt: 3 * 60_000,
      endsAt: 3 * 60_000 + 4 * 60_000,
    });
    expect(firing[0]?.generatorURL).toBe('http://kp:9470/graph?g0.expr=cpu%20%3E%200.8&g0.tab=1');
    const resolved = sent.flat().find((a) => a.endsAt === 5 * 60_000);
    expect(resolved).toMatchObject({ startsAt: 3 * 60_000, labels: { pod: 'api-0' } });
  });

  it('restores the `for` state after a restart from ALERTS_FOR_STATE', async () => {
    const first = await setup();
    await load(first.tsdb, { 'api-0': [0.9, 0.9, 0.9, 0.9, 0.9] });
    await first.group.evaluate(0);
    await first.group.evaluate(60_000);
    // "Restart": a new group over the same store at minute 2 sees the alert active since minute 0.
    const second = await setup(first.tsdb);
    await second.group.evaluate(2 * 60_000);
    const rule = second.group.rules[1]!;
    expect(rule.kind === 'alerting' && rule.alerts()[0]).toMatchObject({ state: 'firing', activeAt: 0 });
  });

  it('reports a failing expression on the rule and keeps evaluating the others', async () => {
    const { tsdb, group } = await setup();
    await load(tsdb, { 'api-0': [0.9, 0.9], 'api-1': [0.9, 0.9] });
    // Two series that collapse onto one label set after the rule drops __name__: a real Prometheus error.
    const app = tsdb.appender();
    app.append({ __name__: 'other', namespace: 'shop', pod: 'x' }, 0, 1);
    await app.commit();
    await group.evaluate(60_000);
    expect(group.rules.map((r) => r.health)).toEqual(['ok', 'ok']);
  });
});
