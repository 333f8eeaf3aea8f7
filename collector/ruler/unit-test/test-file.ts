/** promtool's rule unit-test file format (docs/configuration/unit_testing_rules.md). Durations in ms. */
import { parse as parseYamlText } from 'yaml';
import { parseDuration } from '../../config/duration.js';
import { err, ok, type Result } from '../../result.js';
import { NEVER, s, type Infer } from '../../schema/index.js';

const duration = s.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a valid duration string: ${JSON.stringify(text)}` });
    return NEVER;
  }
  return ms;
});
const stringMap = s.record(s.string(), s.coerce.string()).nullish().transform((m) => m ?? {});

const AlertSchema = s.strictObject({ exp_labels: stringMap, exp_annotations: stringMap });
const AlertTestSchema = s.strictObject({
  eval_time: duration,
  alertname: s.string(),
  exp_alerts: s.array(AlertSchema).nullish().transform((a) => a ?? []),
});
// YAML's .inf / -.inf / .nan arrive as non-finite numbers, which s.number() refuses.
const sampleValue = s.unknown().transform((v, ctx) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace(/^([+-]?)\.?inf$/i, '$1Infinity')) : NaN;
  if (Number.isNaN(n) && !(typeof v === 'number' || (typeof v === 'string' && /^\.?nan$/i.test(v)))) {
    ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` });
    return NEVER;
  }
  return n;
});
const SampleSchema = s.strictObject({ labels: s.string(), value: sampleValue });
const ExprTestSchema = s.strictObject({
  expr: s.string(),
  eval_time: duration,
  exp_samples: s.array(SampleSchema).nullish().transform((a) => a ?? []),
});
const TestGroupSchema = s.strictObject({
  name: s.string().optional(),
  interval: duration.optional(),
  start_timestamp: s.union([s.number(), s.string()]).optional(),
  input_series: s.array(s.strictObject({ series: s.string(), values: s.coerce.string() })).nullish().transform((a) => a ?? []),
  alert_rule_test: s.array(AlertTestSchema).nullish().transform((a) => a ?? []),
  promql_expr_test: s.array(ExprTestSchema).nullish().transform((a) => a ?? []),
  external_labels: stringMap,
  external_url: s.string().optional(),
});
const TestFileSchema = s.strictObject({
  rule_files: s.array(s.string()).nullish().transform((a) => a ?? []),
  evaluation_interval: duration.optional(),
  group_eval_order: s.array(s.string()).nullish().transform((a) => a ?? []),
  fuzzy_compare: s.boolean().optional(),
  tests: s.array(TestGroupSchema).nullish().transform((a) => a ?? []),
});

export type TestFile = Infer<typeof TestFileSchema>;
export type TestGroup = Infer<typeof TestGroupSchema>;

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
