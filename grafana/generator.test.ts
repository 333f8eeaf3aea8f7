/**
 * The dashboards are only useful if every query runs on kubepulse: each one
 * must parse with our PromQL parser once Grafana has interpolated it, select
 * only series kubepulse writes (so renaming a series in a source breaks this
 * test, not a user's dashboard), and return data of the expected shape from
 * the real store and engine. The committed JSON must be what the generator
 * writes now.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { createEngine, parseExpr, type Expr, type QueryValue } from '../collector/promql/index.js';
import { parseRuleFile } from '../collector/ruler/index.js';
import { createProcfsSource } from '../collector/sources/procfs/index.js';
import { openTsdb, type Labels } from '../collector/tsdb/index.js';
import { createApiRouter } from '../collector/api/index.js';
import express from 'express';
import type { Server } from 'node:http';
import {
  BUILTIN_VALUES,
  DEFAULT_DASHBOARDS_PATH,
  expandVariables,
  generateDashboards,
  referencedVariables,
  renderFiles,
  type GrafanaDashboard,
  type Panel,
} from './index.js';

const grafanaDir = import.meta.dirname;
const repoRoot = path.resolve(grafanaDir, '..');

/** Values a user might pick; multi-select values arrive as `a|b`. */
const PICKED: Readonly<Record<string, string>> = {
  datasource: 'kubepulse',
  cluster: '.*',
  namespace: 'shop|web',
  pod: 'api-0',
  node: 'node-a',
  instance: 'node-a',
};

const dashboards = generateDashboards();
const panelsOf = (d: GrafanaDashboard): Panel[] => d.panels.filter((p): p is Panel => p.type !== 'row');
const allQueries = dashboards.flatMap((d) =>
  panelsOf(d).flatMap((p) =>
    p.targets.map((t) => ({ where: `${d.title} / ${p.title} / ${t.refId}`, d, expr: t.expr })),
  ),
);
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

// ---- the real store and engine --------------------------------------------------------------

const STEP_MS = 15_000;
const END_MS = 10 * 60_000;
const GI = 1024 ** 3;

/**
 * name{labels} at every 15 s step: counters grow by `inc` per step, gauges stay
 * at `v`. Increments are multiples of 0.25, so the sums are exact and the
 * same in promtool's `a+bxN` notation.
 */
type Fixture = readonly [string, Labels, { readonly inc?: number; readonly v?: number }];

const CADVISOR = { job: 'cadvisor', instance: 'node-a', node: 'node-a' };
const KSM = { job: 'kube-state-metrics' };
const NODE = { job: 'node', instance: 'node-a' };
const api = { ...CADVISOR, namespace: 'shop', pod: 'api-0', container: 'api' };

const FIXTURES: readonly Fixture[] = [
  ['container_cpu_usage_seconds_total', { ...api, cpu: 'total' }, { inc: 7.5 }],
  // The pod-level cgroup repeats its containers' usage; the dashboards must leave it out.
  ['container_cpu_usage_seconds_total', { ...api, container: '', cpu: 'total' }, { inc: 7.5 }],
  ['container_cpu_cfs_periods_total', api, { inc: 150 }],
  ['container_cpu_cfs_throttled_periods_total', api, { inc: 37.5 }],
  ['container_memory_working_set_bytes', api, { v: 0.75 * GI }],
  ['container_memory_working_set_bytes', { ...api, container: '' }, { v: 0.75 * GI }],
  ['container_spec_memory_limit_bytes', api, { v: GI }],
  [
    'kube_pod_container_resource_requests',
    { ...KSM, namespace: 'shop', pod: 'api-0', container: 'api', node: 'node-a', resource: 'cpu', unit: 'core' },
    { v: 0.25 },
  ],
  [
    'kube_pod_container_resource_limits',
    { ...KSM, namespace: 'shop', pod: 'api-0', container: 'api', node: 'node-a', resource: 'cpu', unit: 'core' },
    { v: 1 },
  ],
  ['kube_node_status_allocatable', { ...KSM, node: 'node-a', resource: 'cpu', unit: 'core' }, { v: 2 }],
  ['kube_node_status_allocatable', { ...KSM, node: 'node-a', resource: 'memory', unit: 'byte' }, { v: 16 * GI }],
  ['kubepulse_service_pod_info', { ...KSM, namespace: 'shop', service: 'api', pod: 'api-0' }, { v: 1 }],
  ['kubepulse_service_pod_info', { ...KSM, namespace: 'shop', service: 'api-headless', pod: 'api-0' }, { v: 1 }],
  ...['0', '1'].flatMap((cpu): Fixture[] => [
    ['node_cpu_seconds_total', { ...NODE, cpu, mode: 'idle' }, { inc: 10.5 }],
    ['node_cpu_seconds_total', { ...NODE, cpu, mode: 'iowait' }, { inc: 0.75 }],
    ['node_cpu_seconds_total', { ...NODE, cpu, mode: 'user' }, { inc: 3.75 }],
  ]),
  ['node_uname_info', { ...NODE, nodename: 'node-a', sysname: 'Linux' }, { v: 1 }],
  ['node_load1', NODE, { v: 3 }],
  ['node_memory_MemTotal_bytes', NODE, { v: 16 * GI }],
  ['node_memory_MemAvailable_bytes', NODE, { v: 4 * GI }],
];

async function loadedEngine() {
  const store = await openTsdb({});
  if (!store.ok) throw store.error;
  const app = store.value.appender();
  for (let i = 0; i * STEP_MS <= END_MS; i++)
    for (const [name, labels, { inc, v }] of FIXTURES) {
      const r = app.append({ __name__: name, ...labels }, i * STEP_MS, inc !== undefined ? i * inc : (v ?? 0));
      if (!r.ok) throw r.error;
    }
  const c = await app.commit();
  if (!c.ok) throw c.error;
  return { store: store.value, engine: createEngine(store.value), close: () => store.value.close() };
}

function panel(dashboardTitle: string, title: string): Panel {
  const d = dashboards.find((x) => x.title === dashboardTitle);
  const p = d && panelsOf(d).find((x) => x.title === title);
  if (!p) throw new Error(`no panel ${dashboardTitle} / ${title}`);
  return p;
}

/** Label sets and the last value of each series the panel's first query returns. */
async function run(engine: ReturnType<typeof createEngine>, p: Panel): Promise<{ labels: Labels; v: number }[]> {
  const t = p.targets[0];
  if (!t) throw new Error(`${p.title}: no query`);
  const expr = expandVariables(t.expr, { ...PICKED, namespace: '.*', pod: '.*', __range: '5m' });
  const r = t.instant
    ? await engine.instantQuery(expr, END_MS)
    : await engine.rangeQuery(expr, END_MS - 5 * 60_000, END_MS, 60_000);
  if (!r.ok) throw new Error(`${p.title}: ${r.error.message}`);
  const value: QueryValue = r.value.value;
  expect(value.type, p.title).toBe(t.instant ? 'vector' : 'matrix');
  if (value.type === 'vector') return value.samples.map((s) => ({ labels: s.labels, v: s.v }));
  if (value.type !== 'matrix') throw new Error(`${p.title}: ${value.type}`);
  return value.series.map((s) => {
    expect(s.points.length, p.title).toBe(6); // every step has data
    return { labels: s.labels, v: s.points.at(-1)?.v ?? NaN };
  });
}

describe('panels on the real store and engine', () => {
  it('every panel query evaluates without error (no ambiguous matches, no type errors)', async () => {
    const { engine, close } = await loadedEngine();
    try {
      const failures: string[] = [];
      let nonEmpty = 0;
      for (const { where, expr } of allQueries) {
        const text = expandVariables(expr, { ...PICKED, namespace: '.*', pod: '.*', __range: '5m' });
        const r = await engine.rangeQuery(text, END_MS - 5 * 60_000, END_MS, 60_000);
        if (!r.ok) failures.push(`${where}: ${r.error.message}`);
        else if (r.value.value.type === 'matrix' && r.value.value.series.length > 0) nonEmpty++;
      }
      expect(failures).toEqual([]);
      // The fixture covers the main families, so most panels show something.
      expect(nonEmpty).toBeGreaterThan(allQueries.length / 3);
    } finally {
      await close();
    }
  });

  it('return data of the expected shape', async () => {
    const { engine, close } = await loadedEngine();
    try {
      const B = 'kubepulse / Cluster bottlenecks';
      const round = (rows: { labels: Labels; v: number }[]) =>
        rows.map((r) => ({ ...r, v: Math.round(r.v * 1000) / 1000 }));
      expect(round(await run(engine, panel(B, 'CPU usage / requests per namespace')))).toEqual([
        { labels: { namespace: 'shop' }, v: 2 },
      ]);
      expect(round(await run(engine, panel(B, 'CPU usage / limits per namespace')))).toEqual([
        { labels: { namespace: 'shop' }, v: 0.5 },
      ]);
      expect(round(await run(engine, panel(B, 'Top pods by CPU throttling')))).toEqual([
        { labels: { namespace: 'shop', pod: 'api-0' }, v: 0.25 },
      ]);
      expect(round(await run(engine, panel(B, 'Memory working set near limit')))).toEqual([
        { labels: { namespace: 'shop', pod: 'api-0', container: 'api' }, v: 0.75 },
      ]);
      expect(round(await run(engine, panel(B, 'Nodes by CPU saturation')))).toEqual([
        { labels: { instance: 'node-a' }, v: 1.5 },
      ]);

      const N = 'kubepulse / Nodes';
      expect(round(await run(engine, panel(N, 'CPU utilisation')))).toEqual([
        { labels: { instance: 'node-a' }, v: 0.25 },
      ]);
      expect(round(await run(engine, panel(N, 'Memory utilisation')))).toEqual([
        { labels: { job: 'node', instance: 'node-a' }, v: 0.75 },
      ]);

      const W = 'kubepulse / Workloads';
      expect(round(await run(engine, panel(W, 'CPU by pod')))).toEqual([
        { labels: { namespace: 'shop', pod: 'api-0' }, v: 0.5 },
      ]);
      const byService = round(await run(engine, panel(W, 'CPU by service')));
      expect(byService.sort((a, b) => (a.labels.service ?? '').localeCompare(b.labels.service ?? ''))).toEqual([
        { labels: { namespace: 'shop', service: 'api' }, v: 0.5 },
        { labels: { namespace: 'shop', service: 'api-headless' }, v: 0.5 },
      ]);
    } finally {
      await close();
    }
  });
});

/** `name{a="x", b="y"}` as promtool's test files write series. */
function seriesText(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  return `${name}{${Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

describe('panels against Prometheus (promtool test rules)', () => {
  // Between two samples: Prometheus 2.x (Debian's promtool) takes range windows closed on the left,
  // 3.x and kubepulse open; off the 15 s grid both see the same samples.
  const EVAL_MS = END_MS - 7_000;
  it('every panel query gives what Prometheus gives on the same samples', async () => {
    const { engine, close } = await loadedEngine();
    const exprTests: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[] = [];
    try {
      for (const { where, expr } of allQueries) {
        const text = expandVariables(expr, { ...PICKED, namespace: '.*', pod: '.*', __range: '5m' });
        const r = await engine.instantQuery(text, EVAL_MS);
        if (!r.ok) throw new Error(`${where}: ${r.error.message}`);
        const v = r.value.value;
        if (v.type !== 'vector') throw new Error(`${where}: a panel query must return a vector, got ${v.type}`);
        // NaN never equals NaN in promtool's comparison; such a query is checked by the parse test only.
        if (v.samples.some((s) => Number.isNaN(s.v))) continue;
        exprTests.push({
          expr: text,
          eval_time: `${EVAL_MS / 1000}s`,
          exp_samples: v.samples.map((s) => ({ labels: seriesText(s.labels), value: s.v })),
        });
      }
    } finally {
      await close();
    }
    expect(exprTests.filter((t) => t.exp_samples.length > 0).length).toBeGreaterThan(20);
    const steps = END_MS / STEP_MS;
    const file = {
      rule_files: [],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: FIXTURES.map(([name, labels, { inc, v }]) => ({
            series: seriesText({ __name__: name, ...labels }),
            values: inc !== undefined ? `0+${inc}x${steps}` : `${v ?? 0}x${steps}`,
          })),
          promql_expr_test: exprTests,
        },
      ],
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'kubepulse-grafana-'));
    try {
      const testFile = path.join(dir, 'panels.test.yaml');
      writeFileSync(testFile, toYaml(file));
      const run = spawnSync('promtool', ['test', 'rules', testFile], { encoding: 'utf8' });
      if (run.error)
        throw new Error(`promtool could not run (install Debian's prometheus package): ${run.error.message}`);
      expect(`${run.stdout}${run.stderr}`.slice(0, 4000)).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Grafana’s requests to the kubepulse HTTP API', () => {
  /** What Grafana's Prometheus data source sends with httpMethod POST: a form-encoded body. */
  async function post(base: string, endpoint: string, form: Record<string, string>): Promise<unknown> {
    const res = await fetch(`${base}${endpoint}`, { method: 'POST', body: new URLSearchParams(form) });
    const body: unknown = await res.json();
    expect(res.status, `${endpoint} ${form.query ?? ''}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
    return body;
  }

  it('offers the fixture’s values for the variables and answers every panel query', async () => {
    const { store, engine, close } = await loadedEngine();
    const app = express();
    app.use(createApiRouter({ engine, queryable: store, clock: () => END_MS }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const addr = server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const range = { start: String((END_MS - 5 * 60_000) / 1000), end: String(END_MS / 1000) };

      // label_values(selector, label): Grafana asks /api/v1/label/<label>/values with match[].
      const offered: Record<string, unknown> = {};
      for (const d of dashboards)
        for (const v of d.templating.list) {
          if (v.type !== 'query') continue;
          const m = /^label_values\((.*), *(\w+)\)$/.exec(v.definition);
          const selector = expandVariables(m?.[1] ?? '', { cluster: '.*', namespace: '.*' });
          const qs = new URLSearchParams({ 'match[]': selector, ...range });
          const res = await fetch(`${base}/api/v1/label/${m?.[2] ?? ''}/values?${qs.toString()}`);
          expect(res.status, v.definition).toBe(200);
          offered[`${d.uid}/${v.name}`] = (await res.json()) as unknown;
        }
      const data = (uid: string, name: string) => offered[`${uid}/${name}`];
      expect(data('kubepulse-cluster-bottlenecks', 'namespace')).toEqual({ status: 'success', data: ['shop'] });
      expect(data('kubepulse-cluster-bottlenecks', 'cluster')).toEqual({ status: 'success', data: [] });
      expect(data('kubepulse-workloads', 'pod')).toEqual({ status: 'success', data: ['api-0'] });
      expect(data('kubepulse-nodes', 'instance')).toEqual({ status: 'success', data: ['node-a'] });
      expect(data('kubepulse-cluster-bottlenecks', 'node')).toEqual({ status: 'success', data: ['node-a'] });

      for (const d of dashboards)
        for (const p of panelsOf(d))
          for (const t of p.targets) {
            const query = expandVariables(t.expr, { ...PICKED, namespace: '.*', pod: '.*', __range: '5m' });
            const body = t.instant
              ? await post(base, '/api/v1/query', { query, time: range.end })
              : await post(base, '/api/v1/query_range', { query, ...range, step: '60' });
            expect(body, `${d.title} / ${p.title}`).toMatchObject({
              status: 'success',
              data: { resultType: t.instant ? 'vector' : 'matrix' },
            });
          }
    } finally {
      await new Promise((r) => server.close(r));
      await close();
    }
  });
});
