/**
 * `kubepulse rules test`: promtool's rule unit tests. Input series go into a
 * fresh in-memory store, the rule groups run step by step at the evaluation
 * interval, firing alerts and PromQL results are compared at their eval times.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from '../../config/duration.js';
import { silentLogger } from '../../log/index.js';
import { createEngine } from '../../promql/index.js';
import { parseSeriesDesc } from '../../promql/test-script/index.js';
import { openTsdb, STALE_NAN, type Labels, type Tsdb } from '../../tsdb/index.js';
import { AlertingRule } from '../alerting-rule.js';
import { RuleGroup } from '../group.js';
import { labelKey } from '../label-key.js';
import { parseRuleFile } from '../rule-file.js';
import { engineQueryFn } from '../rule-query.js';
import type { RuleGroupSpec } from '../rule-types.js';
import { parseTestFile, startTimeMs, type TestFile, type TestGroup } from './test-file.js';
import { glob } from 'node:fs/promises';

export interface RuleTestIo {
  readonly stdout: (text: string) => void;
}

/** Runs every file; resolves to the exit code (0 when every test passed). */
export async function runRuleTests(files: readonly string[], io: RuleTestIo): Promise<number> {
  let failed = false;
  for (const file of files) {
    io.stdout(`Unit Testing:  ${file}\n`);
    const errors = await runFile(file);
    if (errors.length === 0) io.stdout('  SUCCESS\n\n');
    else {
      failed = true;
      io.stdout(`  FAILED:\n${errors.map((e) => `${indent(e, 4)}\n\n`).join('')}\n`);
    }
  }
  return failed ? 1 : 0;
}

const indent = (s: string, n: number): string => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

async function runFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return [`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`];
  }
  const parsed = parseTestFile(file, text);
  if (!parsed.ok) return [parsed.error];
  const tf = parsed.value;
  const groups = await loadRuleGroups(file, tf);
  if (!groups.ok) return groups.errors;
  const errors: string[] = [];
  for (const tg of tf.tests) errors.push(...(await runGroup(tf, tg, groups.specs)));
  return errors;
}

async function loadRuleGroups(file: string, tf: TestFile): Promise<{ ok: true; specs: RuleGroupSpec[] } | { ok: false; errors: string[] }> {
  const dir = path.dirname(file);
  const specs: RuleGroupSpec[] = [];
  const errors: string[] = [];
  for (const pattern of tf.rule_files) {
    const abs = path.resolve(dir, pattern);
    const matched: string[] = [];
    if (/[*?[]/.test(pattern)) for await (const f of glob(abs)) matched.push(f);
    else matched.push(abs);
    for (const f of matched.sort()) {
      let text: string;
      try {
        text = await readFile(f, 'utf8');
      } catch (e) {
        errors.push(`${f}: cannot read rule file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        continue;
      }
      const r = parseRuleFile(path.relative(process.cwd(), f) || f, text);
      if (r.ok) specs.push(...r.value.groups);
      else errors.push(...r.error);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  // group_eval_order first, in its order; the rest after, in file order.
  const order = tf.group_eval_order;
  specs.sort((a, b) => rank(order, a.name) - rank(order, b.name));
  return { ok: true, specs };
}

const rank = (order: readonly string[], name: string): number => {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
};

async function loadSeries(tsdb: Tsdb, tg: TestGroup, startMs: number, intervalMs: number): Promise<string[]> {
  const app = tsdb.appender();
  const errors: string[] = [];
  for (const s of tg.input_series) {
    const desc = parseSeriesDesc(`${s.series} ${s.values}`);
    if (!desc.ok) {
      errors.push(`input series ${JSON.stringify(s.series)}: ${desc.error.message}`);
      continue;
    }
    desc.value.values.forEach((v, i) => {
      const t = startMs + i * intervalMs;
      if (v.kind === 'float') app.append(desc.value.labels, t, v.v);
      else if (v.kind === 'stale') app.append(desc.value.labels, t, STALE_NAN);
      else if (v.kind === 'histogram') errors.push(`input series ${JSON.stringify(s.series)}: native histograms are not supported`);
    });
  }
  const c = await app.commit();
  if (!c.ok) errors.push(`loading input series: ${c.error.message}`);
  return errors;
}

interface AlertView {
  readonly labels: Labels;
  readonly annotations: Labels;
}

async function runGroup(tf: TestFile, tg: TestGroup, specs: readonly RuleGroupSpec[]): Promise<string[]> {
  const evalInterval = tf.evaluation_interval ?? 60_000;
  const start = startTimeMs(tg);
  if (!start.ok) return [start.error];
  const opened = await openTsdb({ chunkRangeMs: 24 * 3600_000 });
  if (!opened.ok) return [opened.error.message];
  const tsdb = opened.value;
  try {
    const errors = await loadSeries(tsdb, tg, start.value, tg.interval ?? evalInterval);
    if (errors.length > 0) return errors;
    const engine = createEngine(tsdb);
    const groups = specs.map(
      (spec) =>
        new RuleGroup({
          spec,
          intervalMs: spec.intervalMs ?? evalInterval,
          queryOffsetMs: spec.queryOffsetMs ?? 0,
          query: engineQueryFn(engine),
          appendable: tsdb,
          queryable: tsdb,
          sink: () => Promise.resolve(),
          externalLabels: tg.external_labels,
          externalUrl: tg.external_url ?? '',
          resendDelayMs: 60_000,
          outageToleranceMs: 3_600_000,
          logger: silentLogger,
        }),
    );
    const alertTimes = [...new Set(tg.alert_rule_test.map((a) => a.eval_time))].sort((a, b) => a - b);
    const maxT = Math.max(0, ...tg.alert_rule_test.map((a) => a.eval_time), ...tg.promql_expr_test.map((e) => e.eval_time));
    for (let ts = 0; ts <= maxT; ts += evalInterval) {
      for (const g of groups) if (ts % g.options.intervalMs === 0) await g.evaluate(start.value + ts);
      // Alert tests are checked at the last evaluation at or before their eval_time.
      for (const at of alertTimes.filter((e) => ts <= e && e < ts + evalInterval)) {
        for (const test of tg.alert_rule_test.filter((a) => a.eval_time === at)) {
          const got = firingAlerts(groups, test.alertname);
          const exp = test.exp_alerts.map((a) => ({ labels: { ...a.exp_labels, alertname: test.alertname }, annotations: a.exp_annotations }));
          if (!sameAlerts(exp, got)) {
            errors.push(
              `alertname: ${test.alertname}, time: ${formatDuration(test.eval_time)}, \n    exp:${formatAlerts(exp)}, \n    got:${formatAlerts(got)}`,
            );
          }
        }
      }
    }
    for (const test of tg.promql_expr_test) {
      const r = await engine.instantQuery(test.expr, start.value + test.eval_time);
      if (!r.ok) {
        errors.push(`expr: ${JSON.stringify(test.expr)}, time: ${formatDuration(test.eval_time)}, err: ${r.error.message}`);
        continue;
      }
      const v = r.value.value;
      const got = v.type === 'vector' ? v.samples.map((s) => ({ labels: s.labels, value: s.v })) : v.type === 'scalar' ? [{ labels: {}, value: v.v }] : [];
      const exp: { labels: Labels; value: number }[] = [];
      for (const s of test.exp_samples) {
        const d = s.labels.trim() === '' ? ({ ok: true, value: { labels: {} } } as const) : parseSeriesDesc(s.labels);
        if (!d.ok) {
          errors.push(`expr: ${JSON.stringify(test.expr)}: labels ${JSON.stringify(s.labels)}: ${d.error.message}`);
          continue;
        }
        exp.push({ labels: d.value.labels, value: s.value });
      }
      if (!sameSamples(exp, got, tf.fuzzy_compare === true)) {
        errors.push(`expr: ${JSON.stringify(test.expr)}, time: ${formatDuration(test.eval_time)},\n    exp: ${formatSamples(exp)}\n    got: ${formatSamples(got)}`);
      }
    }
    return tg.name ? errors.map((e) => `name: ${tg.name},\n${e}`) : errors;
  } finally {
    await tsdb.close();
  }
}

function firingAlerts(groups: readonly RuleGroup[], alertname: string): AlertView[] {
  return groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r instanceof AlertingRule && r.name === alertname
        ? r.alerts().filter((a) => a.state === 'firing').map((a) => ({ labels: a.labels, annotations: a.annotations }))
        : [],
    ),
  );
}

const viewKey = (a: AlertView): string => `${labelKey(a.labels)}\n${labelKey(a.annotations)}`;

function sameAlerts(a: readonly AlertView[], b: readonly AlertView[]): boolean {
  const x = a.map(viewKey).sort();
  const y = b.map(viewKey).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

function sameSamples(a: readonly { labels: Labels; value: number }[], b: readonly { labels: Labels; value: number }[], fuzzy: boolean): boolean {
  if (a.length !== b.length) return false;
  const sort = (l: readonly { labels: Labels; value: number }[]) => [...l].sort((p, q) => (labelKey(p.labels) < labelKey(q.labels) ? -1 : 1));
  const x = sort(a);
  const y = sort(b);
  return x.every((s, i) => {
    const o = y[i]!;
    if (labelKey(s.labels) !== labelKey(o.labels)) return false;
    if (Number.isNaN(s.value) && Number.isNaN(o.value)) return true;
    return fuzzy ? Math.abs(s.value - o.value) <= Math.abs(s.value) * 2 ** -52 * 2 : s.value === o.value;
  });
}

const formatLabels = (l: Labels): string =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(', ')}}`;

function formatAlerts(list: readonly AlertView[]): string {
  if (list.length === 0) return '[]';
  const sorted = [...list].sort((a, b) => (viewKey(a) < viewKey(b) ? -1 : 1));
  // promtool's labelsAndAnnotations.String(): elements separated by ",\n".
  return `[\n${sorted.map((a, i) => `        ${i}:\n          Labels:${formatLabels(a.labels)}\n          Annotations:${formatLabels(a.annotations)}`).join(',\n')}\n        ]`;
}

function formatSamples(list: readonly { labels: Labels; value: number }[]): string {
  // promtool prints `{labels} 5.1E+01, …`, or nil for no samples.
  if (list.length === 0) return 'nil';
  return list.map((s) => `${formatLabels(s.labels)} ${goUpperE(s.value)}`).join(', ');
}

/** strconv.FormatFloat(v, 'E', -1, 64): shortest digits, exponent with sign and at least two digits. */
function goUpperE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const [m = '0', e = '0'] = v.toExponential().split('e');
  const x = Number(e);
  return `${m}E${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
}
