/**
 * The panels' queries on real parts: kubepulse's store and engine (values of
 * the expected shape), Prometheus itself through `promtool test rules` (the
 * same values on the same samples), and kubepulse's HTTP API as Grafana's
 * Prometheus data source calls it.
 */
import express from 'express';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { createApiRouter } from '../collector/api/index.js';
import type { createEngine, QueryValue } from '../collector/promql/index.js';
import type { Labels } from '../collector/tsdb/index.js';
import {
  allQueries,
  dashboards,
  END_MS,
  FIXTURES,
  loadedEngine,
  panelsOf,
  PICKED,
  seriesText,
  STEP_MS,
} from '../test/fixtures/grafana/panel-store.js';
import { expandVariables, type Panel } from './index.js';

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
