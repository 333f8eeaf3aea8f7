/**
 * The dashboards are only useful if every query runs on kubepulse: each one
 * must parse with our PromQL parser once Grafana has interpolated it, select
 * only series kubepulse writes (so renaming a series in a source breaks this
 * test, not a user's dashboard), and return data of the expected shape from
 * the real store and engine. The committed JSON must be what the generator
 * writes now.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseExpr, type Expr } from '../collector/promql/index.js';
import { parseRuleFile } from '../collector/ruler/index.js';
import { createProcfsSource } from '../collector/sources/procfs/index.js';
import { allQueries, dashboards, panelsOf, PICKED } from '../test/fixtures/grafana/panel-store.js';
import { BUILTIN_VALUES, DEFAULT_DASHBOARDS_PATH, expandVariables, referencedVariables, renderFiles } from './index.js';

const grafanaDir = import.meta.dirname;
const repoRoot = path.resolve(grafanaDir, '..');

/** `label_values(selector, label)` → the selector. */
const variableSelectors = dashboards.flatMap((d) =>
  d.templating.list.flatMap((v) => {
    if (v.type !== 'query') return [];
    const m = /^label_values\((.*), *(\w+)\)$/.exec(v.definition);
    if (!m?.[1]) throw new Error(`${d.title} / $${v.name}: not a label_values(selector, label) query: ${v.definition}`);
    return [{ where: `${d.title} / $${v.name}`, d, expr: m[1] }];
  }),
);

function parsed(where: string, text: string): Expr {
  const r = parseExpr(text);
  if (!r.ok) throw new Error(`${where}: ${r.error.message}\n  in: ${text}`);
  return r.value;
}

function metricNames(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'vectorSelector':
      if (e.name) out.add(e.name);
      for (const m of e.matchers) if (m.name === '__name__' && m.type === '=') out.add(m.value);
      break;
    case 'matrixSelector':
      metricNames(e.vector, out);
      break;
    case 'subquery':
    case 'paren':
    case 'unary':
      metricNames(e.expr, out);
      break;
    case 'aggregate':
      metricNames(e.expr, out);
      if (e.param) metricNames(e.param, out);
      break;
    case 'call':
      for (const a of e.args) metricNames(a, out);
      break;
    case 'binary':
      metricNames(e.lhs, out);
      metricNames(e.rhs, out);
      break;
    case 'number':
    case 'string':
      break;
    default: {
      const never: never = e;
      throw new Error(`unknown node ${JSON.stringify(never)}`);
    }
  }
  return out;
}

/** Every family a source declares by its literal name, plus the shipped recording rules' names. */
async function producedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  const live = await createProcfsSource({}).collect(); // node_memory_* and the like are built from /proc's keys
  for (const s of live.samples) if (s.labels.__name__) names.add(s.labels.__name__);
  for (const folder of ['procfs', 'cgroup', 'kube', 'kubelet']) {
    const dir = path.join(repoRoot, 'collector/sources', folder);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')))
      for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(
        /['"`]((?:node|container|kube|kubepulse)_\w+)['"`]/g,
      ))
        if (m[1]) names.add(m[1]);
  }
  const rulesDir = path.join(repoRoot, 'rules');
  for (const f of readdirSync(rulesDir).filter((n) => n.endsWith('.yaml') && !n.endsWith('.test.yaml'))) {
    const r = parseRuleFile(f, readFileSync(path.join(rulesDir, f), 'utf8'));
    if (!r.ok) throw new Error(r.error.join('\n'));
    for (const g of r.value.groups) for (const rule of g.rules) if (rule.kind === 'recording') names.add(rule.record);
  }
  return names;
}

describe('generated dashboards', () => {
  it('are the three kubepulse dashboards with the agreed variables', () => {
    expect(dashboards.map((d) => d.title)).toEqual([
      'kubepulse / Cluster bottlenecks',
      'kubepulse / Nodes',
      'kubepulse / Workloads',
    ]);
    expect(dashboards.map((d) => d.templating.list.map((v) => `${v.type}:${v.name}`))).toEqual([
      ['datasource:datasource', 'query:cluster', 'query:namespace', 'query:node'],
      ['datasource:datasource', 'query:cluster', 'query:instance'],
      ['datasource:datasource', 'query:cluster', 'query:namespace', 'query:pod'],
    ]);
    for (const d of dashboards) {
      expect(d.schemaVersion).toBe(39);
      expect(new Set(d.panels.map((p) => p.id)).size, d.title).toBe(d.panels.length);
      expect(new Set(panelsOf(d).map((p) => p.title)).size, d.title).toBe(panelsOf(d).length);
      for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w, `${d.title} / ${p.title}`).toBeLessThanOrEqual(24);
      for (const p of panelsOf(d)) expect(p.datasource.uid, p.title).toBe('${datasource}');
    }
    const types = new Set(dashboards.flatMap((d) => panelsOf(d).map((p) => p.type)));
    expect([...types].sort()).toEqual(['bargauge', 'stat', 'table', 'timeseries']);
    const units = new Set(dashboards.flatMap((d) => panelsOf(d).map((p) => p.fieldConfig.defaults.unit)));
    expect([...units].sort()).toEqual(['Bps', 'bytes', 'percentunit', 'short']);
  });

  it('refer only to variables the dashboard defines or Grafana provides', () => {
    const undefinedRefs = [...allQueries, ...variableSelectors].flatMap(({ where, d, expr }) => {
      const defined = new Set(d.templating.list.map((v) => v.name));
      return referencedVariables(expr)
        .filter((n) => !defined.has(n) && !(n in BUILTIN_VALUES))
        .map((n) => `${where}: $${n}`);
    });
    expect(undefinedRefs).toEqual([]);
  });

  it('rate windows use $__rate_interval or $__range, never a fixed window', () => {
    const fixed = allQueries.filter(({ expr }) => /\[\d/.test(expr)).map((q) => q.where);
    expect(fixed).toEqual([]);
    expect(allQueries.filter(({ expr }) => expr.includes('[$__rate_interval]')).length).toBeGreaterThan(20);
  });

  it('every query parses with kubepulse’s PromQL parser once interpolated', () => {
    expect(allQueries.length).toBeGreaterThan(50);
    for (const { where, expr } of [...allQueries, ...variableSelectors]) {
      const text = expandVariables(expr, PICKED);
      expect(text, where).not.toContain('$');
      parsed(where, text);
    }
  });

  it('reports a query on a series no source writes (the check can fail)', async () => {
    const produced = await producedNames();
    const names = metricNames(parsed('probe', 'rate(container_cpu_usage_seconds[5m]) / on () kube_node_info'));
    expect([...names].filter((n) => !produced.has(n))).toEqual(['container_cpu_usage_seconds']);
  });

  it('every series a query selects is one kubepulse produces', async () => {
    const produced = await producedNames();
    const unknown: string[] = [];
    const used = new Set<string>();
    for (const { where, expr } of [...allQueries, ...variableSelectors])
      for (const n of metricNames(parsed(where, expandVariables(expr, PICKED)))) {
        used.add(n);
        if (!produced.has(n)) unknown.push(`${where}: ${n}`);
      }
    expect(unknown).toEqual([]);
    // The families the brief names are all there.
    for (const n of [
      'container_cpu_cfs_throttled_periods_total',
      'container_pressure_cpu_waiting_seconds_total',
      'container_oom_events_total',
      'kube_pod_container_status_restarts_total',
      'node_pressure_memory_stalled_seconds_total',
      'node_filesystem_avail_bytes',
      'node_disk_io_time_seconds_total',
      'kubepulse_service_pod_info',
      'namespace_service:container_cpu_usage_seconds_total:sum_rate5m',
    ])
      expect(used.has(n), n).toBe(true);
  });
});

describe('committed output', () => {
  it('grafana/dashboards and grafana/provisioning are what the generator writes now', () => {
    const stale: string[] = [];
    for (const [rel, text] of renderFiles()) {
      let committed: string | undefined;
      try {
        committed = readFileSync(path.join(grafanaDir, rel), 'utf8');
      } catch {
        committed = undefined;
      }
      if (committed !== text) stale.push(rel);
    }
    // Regenerate as grafana/README.md says, then commit.
    expect(stale).toEqual([]);
    const onDisk = readdirSync(path.join(grafanaDir, 'dashboards')).map((f) => `dashboards/${f}`);
    expect(onDisk.sort()).toEqual([...renderFiles().keys()].filter((k) => k.startsWith('dashboards/')).sort());
  });

  it('the provisioned data source is the one the dashboards default to', () => {
    const files = renderFiles({ hubUrl: 'http://hub.example:9470' });
    const ds: unknown = parseYaml(files.get('provisioning/datasources/kubepulse.yaml') ?? '');
    expect(ds).toMatchObject({
      apiVersion: 1,
      datasources: [{ uid: 'kubepulse', type: 'prometheus', url: 'http://hub.example:9470', access: 'proxy' }],
    });
    const prov: unknown = parseYaml(files.get('provisioning/dashboards/kubepulse.yaml') ?? '');
    expect(prov).toMatchObject({
      apiVersion: 1,
      providers: [{ type: 'file', options: { path: DEFAULT_DASHBOARDS_PATH } }],
    });
    for (const d of dashboards) {
      const v = d.templating.list[0];
      expect(v?.type === 'datasource' && v.current).toMatchObject({ value: 'kubepulse' });
    }
  });
});
