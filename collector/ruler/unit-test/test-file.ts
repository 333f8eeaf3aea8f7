/** promtool's rule unit-test file format (docs/configuration/unit_testing_rules.md). Durations in ms. */
import { parse as parseYamlText } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../../config/duration.js';
import { err, ok, type Result } from '../../result.js';

const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a valid duration string: ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return ms;
});
const stringMap = z.record(z.string(), z.coerce.string()).nullish().transform((m) => m ?? {});

const AlertSchema = z.strictObject({ exp_labels: stringMap, exp_annotations: stringMap });
const AlertTestSchema = z.strictObject({
  eval_time: duration,
  alertname: z.string(),
  exp_alerts: z.array(AlertSchema).nullish().transform((a) => a ?? []),
});
// YAML's .inf / -.inf / .nan arrive as non-finite numbers, which z.number() refuses.
const sampleValue = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace(/^([+-]?)\.?inf$/i, '$1Infinity')) : NaN;
  if (Number.isNaN(n) && !(typeof v === 'number' || (typeof v === 'string' && /^\.?nan$/i.test(v)))) {
    ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});
const SampleSchema = z.strictObject({ labels: z.string(), value: sampleValue });
const ExprTestSchema = z.strictObject({
  expr: z.string(),
  eval_time: duration,
  exp_samples: z.array(SampleSchema).nullish().transform((a) => a ?? []),
});
const TestGroupSchema = z.strictObject({
  name: z.string().optional(),
  interval: duration.optional(),
  start_timestamp: z.union([z.number(), z.string()]).optional(),
  input_series: z.array(z.strictObject({ series: z.string(), values: z.coerce.string() })).nullish().transform((a) => a ?? []),
  alert_rule_test: z.array(AlertTestSchema).nullish().transform((a) => a ?? []),
  promql_expr_test: z.array(ExprTestSchema).nullish().transform((a) => a ?? []),
  external_labels: stringMap,
  external_url: z.string().optional(),
});
const TestFileSchema = z.strictObject({
  rule_files: z.array(z.string()).nullish().transform((a) => a ?? []),
  evaluation_interval: duration.optional(),
  group_eval_order: z.array(z.string()).nullish().transform((a) => a ?? []),
  fuzzy_compare: z.boolean().optional(),
  tests: z.array(TestGroupSchema).nullish().transform((a) => a ?? []),
});

export type TestFile = z.infer<typeof TestFileSchema>;
export type TestGroup = z.infer<typeof TestGroupSchema>;

export function parseTestFile(file: string, text: string): Result<TestFile, string> {
  let data: unknown;
  try {
    data = parseYamlText(text, { merge: true });
  } catch (e) {
    return err(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const r = TestFileSchema.safeParse(data ?? {});
  if (r.success) return ok(r.data);
  return err(r.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`).join('\n'));
}

/** start_timestamp: unix seconds or RFC 3339; ms. */
export function startTimeMs(g: TestGroup): Result<number, string> {
  const s = g.start_timestamp;
  if (s === undefined) return ok(0);
  if (typeof s === 'number') return ok(s * 1000);
  if (/^\d+(\.\d+)?$/.test(s)) return ok(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? err(`start_timestamp: cannot parse ${JSON.stringify(s)}`) : ok(t);
}
