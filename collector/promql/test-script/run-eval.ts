/**
 * Runs one `eval` against an engine with promqltest's checks, in its order:
 * the expected error (if any), annotations, then the result. An instant
 * query is also run as a range query around the same time (the middle step
 * must agree) and, unless it calls an @-unsafe function, again with every
 * selector pinned by `@` at other evaluation times (step invariance).
 */
import type { QueryEngine, QueryError, QueryResult } from '../interface.js';
import type { Result } from '../../result.js';
import {
  compareResult,
  compareVector,
  describeExpected,
  describeValue,
  type Frame,
  type Mismatch,
} from './compare-result.js';
import { pinToTime } from './expr-analysis.js';
import { compareLabels, formatLabels } from './label-set.js';
import type { EvalCommand, MessageMatcher } from './script-types.js';

/** What a single eval came to. `expected`/`got` are one entry per series, for the diff. */
export type EvalVerdict =
  | { readonly status: 'passed' }
  | {
      readonly status: 'failed';
      readonly reason: string;
      readonly expected: readonly string[];
      readonly got: readonly string[];
    }
  | { readonly status: 'skipped'; readonly reason: string };

export interface EvalRunOptions {
  /** promqltest's extra runs (range mode, `@`-pinned variants); default true. */
  readonly stepInvariance?: boolean;
  readonly queryTimeoutMs?: number;
}

/**
 * How an engine says "I do not implement this" rather than "this is wrong":
 * its error message contains `unsupported`, `not supported` or `not implemented`.
 * Such evaluations are skipped, never failed and never passed.
 */
const UNSUPPORTED = /\bunsupported\b|\bnot (?:yet )?(?:supported|implemented)\b/i;
const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;
const PASSED: EvalVerdict = { status: 'passed' };

export async function runEval(
  engine: QueryEngine,
  cmd: EvalCommand,
  options: EvalRunOptions = {},
): Promise<EvalVerdict> {
  const ctx = { engine, cmd, timeoutMs: options.queryTimeoutMs ?? 30_000 };
  if (cmd.timing.kind === 'range') {
    const frame = { startMs: cmd.timing.startMs, endMs: cmd.timing.endMs, stepMs: cmd.timing.stepMs };
    const r = await query(ctx, () => engine.rangeQuery(cmd.expr, frame.startMs, frame.endMs, frame.stepMs, opts(ctx)));
    return judge(cmd, cmd.expr, r, frame);
  }
  // With `expect range vector`, promqltest evaluates at the range's end, not at the `at` time.
  const at = cmd.rangeVector?.endMs ?? cmd.timing.atMs;
  const runs: { expr: string; t: number }[] = [{ expr: cmd.expr, t: at }];
  // start()/end()/range()/step() answer with the query's own times, which the
  // re-runs move on purpose; upstream's expectations for them only hold unpinned.
  const pinned =
    (options.stepInvariance ?? true) && !QUERY_CONTEXT_FUNCS.test(cmd.expr) ? pinToTime(cmd.expr, at) : undefined;
  if (pinned !== undefined) {
    const times = at === 0 ? [-1000, 0, 1000] : [-10 * at, 0, Math.trunc(at / 5), at, 10 * at];
    for (const t of times) runs.push({ expr: pinned, t });
  }
  for (const run of runs) {
    const verdict = await runInstant(ctx, run.expr, run.t, options.stepInvariance ?? true);
    if (verdict.status !== 'passed') {
      if (run.expr === cmd.expr && run.t === at) return verdict;
      return { ...verdict, reason: `[step-invariance re-run: ${run.expr} at t=${run.t / 1000}s] ${verdict.reason}` };
    }
  }
  return PASSED;
}

interface Ctx {
  readonly engine: QueryEngine;
  readonly cmd: EvalCommand;
  readonly timeoutMs: number;
}

type Outcome = Result<QueryResult, QueryError> | { readonly ok: false; readonly error: Error };

const opts = (ctx: Ctx): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(ctx.timeoutMs) });

/** An engine that throws is reported like one that returns an error, with the exception's text. */
async function query(_ctx: Ctx, run: () => Promise<Result<QueryResult, QueryError>>): Promise<Outcome> {
  try {
    return await run();
  } catch (e) {
    return {
      ok: false,
      error:
        e instanceof Error
          ? new Error(`engine threw: ${e.stack ?? e.message}`)
          : new Error(`engine threw: ${String(e)}`),
    };
  }
}

async function runInstant(ctx: Ctx, expr: string, t: number, rangeMode: boolean): Promise<EvalVerdict> {
  const { cmd, engine } = ctx;
  // Without `expect range vector` no point of a matrix result is expected (promqltest's zero end time).
  const frame: Frame = cmd.rangeVector ?? { startMs: t, endMs: Number.NEGATIVE_INFINITY, stepMs: 0 };
  const r = await query(ctx, () => engine.instantQuery(expr, t, opts(ctx)));
  const first = judge(cmd, expr, r, frame);
  if (first.status !== 'passed' || !r.ok || isFail(cmd)) return first;
  if (!rangeMode || cmd.rangeVector !== undefined || cmd.expectedString !== undefined || QUERY_CONTEXT_FUNCS.test(expr))
    return first;
  // The same query as a range query must give the same value at the middle step.
  const rr = await query(ctx, () => engine.rangeQuery(expr, t - 60_000, t + 60_000, 60_000, opts(ctx)));
  if (!rr.ok) {
    if (UNSUPPORTED.test(rr.error.message)) return { status: 'skipped', reason: `engine: ${rr.error.message}` };
    return failed(`error evaluating query ${JSON.stringify(expr)} in range mode: ${rr.error.message}`, cmd, []);
  }
  if (isOrdered(cmd)) return PASSED;
  const value = rr.value.value;
  if (value.type !== 'matrix')
    return failed(`range mode returned a ${value.type}, not a matrix`, cmd, describeValue(value));
  for (let i = 0; i + 1 < value.series.length; i++) {
    const [a, b] = [value.series[i]?.labels ?? {}, value.series[i + 1]?.labels ?? {}];
    if (compareLabels(a, b) > 0)
      return failed(
        `range mode: matrix results should always be sorted by labels, but ${formatLabels(b)} comes after ${formatLabels(a)}`,
        cmd,
        describeValue(value),
      );
  }
  const samples = value.series.flatMap((s) =>
    s.points
      .filter((p) => p.t === t)
      .slice(0, 1)
      .map((p) => ({ labels: s.labels, v: p.v })),
  );
  const miss = (reason: string): Mismatch => ({
    reason: `range mode: ${reason}`,
    expected: describeExpected(cmd),
    got: describeValue(value),
  });
  let m: Mismatch | undefined;
  if (r.value.value.type === 'scalar') {
    const v = samples[0]?.v;
    m = v === undefined ? miss(`no point at t=${t}`) : compareResult(cmd, { type: 'scalar', t, v }, frame, false);
    if (m && v !== undefined) m = { ...m, reason: `range mode: ${m.reason}` };
  } else {
    m = compareVector(cmd, samples, false, miss);
  }
  return m ? { status: 'failed', reason: m.reason, expected: m.expected, got: m.got } : PASSED;
}

function judge(cmd: EvalCommand, expr: string, r: Outcome, frame: Frame): EvalVerdict {
  if (!r.ok) {
    const msg = r.error.message;
    if (isFail(cmd)) {
      // "Not implemented" only passes an `expect fail` that asked for exactly that message.
      const explicit = [cmd.legacyFail, ...cmd.expect.fail].some((m) => m !== undefined && m.kind !== 'any');
      if (UNSUPPORTED.test(msg) && !explicit) return { status: 'skipped', reason: `engine: ${msg}` };
      const bad = failureMismatch(cmd, msg);
      if (bad === undefined) return PASSED;
      if (UNSUPPORTED.test(msg)) return { status: 'skipped', reason: `engine: ${msg}` };
      return failed(bad, cmd, [`error: ${msg}`]);
    }
    if (UNSUPPORTED.test(msg)) return { status: 'skipped', reason: `engine: ${msg}` };
    return failed(`error evaluating query ${JSON.stringify(expr)}: ${msg}`, cmd, [`error: ${msg}`]);
  }
  if (isFail(cmd))
    return failed(
      `expected error evaluating query ${JSON.stringify(expr)} but got none`,
      cmd,
      describeValue(r.value.value),
    );
  const anno = annotationMismatch(cmd, r.value);
  if (anno !== undefined) return failed(anno, cmd, describeValue(r.value.value));
  const m = compareResult(cmd, r.value.value, frame, isOrdered(cmd));
  return m ? { status: 'failed', reason: m.reason, expected: m.expected, got: m.got } : PASSED;
}

function failed(reason: string, cmd: EvalCommand, got: readonly string[]): EvalVerdict {
  return { status: 'failed', reason, expected: describeExpected(cmd), got };
}

const isFail = (cmd: EvalCommand): boolean => cmd.legacy.fail || cmd.expect.fail.length > 0;
const isOrdered = (cmd: EvalCommand): boolean => cmd.legacy.ordered || cmd.expect.ordered;

function matches(m: MessageMatcher, s: string): boolean {
  return m.kind === 'any' ? true : m.kind === 'msg' ? m.text === s : m.test(s);
}

function describeMatcher(m: MessageMatcher): string {
  return m.kind === 'any'
    ? 'anything'
    : m.kind === 'msg'
      ? `message ${JSON.stringify(m.text)}`
      : `pattern ${JSON.stringify(m.source)}`;
}

function failureMismatch(cmd: EvalCommand, msg: string): string | undefined {
  const wanted = [cmd.legacyFail, cmd.expect.fail[0]].filter((m): m is MessageMatcher => m !== undefined);
  const bad = wanted.find((m) => !matches(m, msg));
  return bad ? `expected error matching ${describeMatcher(bad)}, but got: ${msg}` : undefined;
}

function annotationMismatch(cmd: EvalCommand, res: QueryResult): string | undefined {
  const { warnings, infos } = res;
  if (cmd.legacy.warn && warnings.length === 0) return 'expected warnings but got none';
  if (cmd.legacy.info && infos.length === 0) return 'expected info annotations but got none';
  const check = (kind: string, expected: readonly MessageMatcher[], actual: readonly string[]): string | undefined => {
    if (expected.length === 0) return undefined;
    if (actual.length === 0) return `expected ${kind} annotations but none were found`;
    const unmatched = expected.find((e) => !actual.some((a) => matches(e, a)));
    if (unmatched)
      return `expected ${kind} annotation matching ${describeMatcher(unmatched)} but none matched; found: ${JSON.stringify([...warnings, ...infos])}`;
    const extra = actual.find((a) => !expected.some((e) => matches(e, a)));
    return extra === undefined ? undefined : `unexpected ${kind} annotation ${JSON.stringify(extra)}`;
  };
  const w = check('warn', cmd.expect.warn, warnings) ?? check('info', cmd.expect.info, infos);
  if (w !== undefined) return w;
  if (cmd.expect.noWarn && warnings.length > 0) return `unexpected warning annotations: ${JSON.stringify(warnings)}`;
  if (cmd.expect.noInfo && infos.length > 0) return `unexpected info annotations: ${JSON.stringify(infos)}`;
  return undefined;
}
