/**
 * `eval` blocks: the command line (instant or range, with the deprecated
 * `_fail/_warn/_info/_ordered` suffixes), then `expect …` lines, then the
 * expected result (a scalar line, series lines, or `expect string`).
 * The regular expressions are promqltest's own, so the same lines split the
 * same way (the range pattern's greedy `from (.+)` included).
 */
import { RE2JS } from 're2js';
import { parseDuration } from '../../config/duration.js';
import { err, ok, type Result } from '../../result.js';
import { parseGoNumber, unquote } from './go-literals.js';
import { labelKey } from './label-set.js';
import type { EvalCommand, EvalTiming, ExpectedSeries, MessageMatcher } from './script-types.js';
import { parseSeriesDesc } from './series-notation.js';

const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
const RANGE_VECTOR_PREFIX = 'expect range vector';
const STRING_PREFIX = 'expect string';

type Parsed = Result<{ next: number; cmd: EvalCommand }, string>;

/** Compiles an RE2 pattern (Go's regexp) for unanchored matching, as MatchString does. */
export function re2Matcher(source: string): MessageMatcher | undefined {
  try {
    const re = RE2JS.compile(source);
    return { kind: 'regex', source, test: (s) => re.test(s) };
  } catch {
    return undefined;
  }
}

export function parseEval(lines: readonly string[], at: number): Parsed {
  const head = lines[at] as string;
  const inst = EVAL_INSTANT.exec(head);
  const range = inst ? null : EVAL_RANGE.exec(head);
  const lineNo = at + 1;
  if (!inst && !range) {
    return err(
      `${lineNo}: invalid evaluation command. Must be either 'eval[_fail|_warn|_info|_ordered] instant at <time> <query>' or 'eval[_fail|_warn|_info] range from <from> to <to> step <step> <query>'`,
    );
  }
  const mod = (inst ? inst[1] : range?.[1]) ?? '';
  const expr = (inst ? inst[3] : range?.[5]) as string;
  const fail = (msg: string): Parsed => err(`${lineNo}: error in eval ${expr}: ${msg}`);
  let timing: EvalTiming;
  if (inst) {
    const atMs = parseDuration(inst[2] ?? '');
    if (atMs === undefined) return fail(`invalid timestamp definition ${JSON.stringify(inst[2] ?? '')}`);
    timing = { kind: 'instant', atMs };
  } else {
    const r = parseRange(range?.[2] ?? '', range?.[3] ?? '', range?.[4] ?? '');
    if (typeof r === 'string') return fail(r);
    timing = { kind: 'range', ...r };
  }
  const legacy = { fail: mod === 'fail', warn: mod === 'warn', info: mod === 'info', ordered: mod === 'ordered' };
  const expect = {
    fail: [] as MessageMatcher[],
    warn: [] as MessageMatcher[],
    info: [] as MessageMatcher[],
    noWarn: false,
    noInfo: false,
    ordered: false,
  };
  const expectedSeries = new Map<string, ExpectedSeries>();
  let legacyFail: MessageMatcher | undefined;
  let rangeVector: EvalCommand['rangeVector'];
  let expectedString: string | undefined;
  let expectedScalar: number | undefined;
  let i = at;
  // promqltest counts result positions this way: `expect <type>` lines do not take one.
  for (let j = 1; i + 1 < lines.length; j++) {
    const def = lines[i + 1] as string;
    if (def === '') break;
    i++;
    if (legacy.fail && def.startsWith('expected_fail_message')) {
      legacyFail = { kind: 'msg', text: def.slice('expected_fail_message'.length).trim() };
      break;
    }
    if (legacy.fail && def.startsWith('expected_fail_regexp')) {
      const pattern = def.slice('expected_fail_regexp'.length).trim();
      legacyFail = re2Matcher(pattern);
      if (!legacyFail) return err(`${i + 1}: invalid regexp '${pattern}' for expected_fail_regexp`);
      break;
    }
    if (def.startsWith(RANGE_VECTOR_PREFIX)) {
      const m = EXPECT_RANGE.exec(def);
      const r = m
        ? parseRange(m[1] as string, m[2] as string, m[3] as string)
        : `invalid range vector definition ${JSON.stringify(def)}`;
      if (typeof r === 'string') return err(`${i + 1}: ${r}`);
      rangeVector = r;
      continue;
    }
    if (def.startsWith(STRING_PREFIX)) {
      const rest =
        def === STRING_PREFIX ? '' : def.startsWith(`${STRING_PREFIX} `) ? def.slice(STRING_PREFIX.length + 1) : def;
      if (rest === '') return err(`${i + 1}: expected string literal not valid - a quoted string literal is required`);
      const s = unquote(rest);
      if (s === undefined)
        return err(`${i + 1}: expected string literal not valid - check that the string is correctly quoted`);
      expectedString = s;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      const e = parseExpectLine(def, expect);
      if (e !== undefined) return err(`${i + 1}: ${e}`);
      j--;
      continue;
    }
    const scalar = parseGoNumber(def);
    if (scalar !== undefined) {
      expectedScalar = scalar;
      expectedSeries.clear();
      break;
    }
    const desc = parseSeriesDesc(def);
    if (!desc.ok) return err(`${i + 1}:${desc.error.column}: ${desc.error.message}`);
    if (desc.value.values.length > 1 && inst && rangeVector === undefined) {
      return err(
        `${i + 1}: expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query`,
      );
    }
    expectedScalar = undefined;
    expectedSeries.set(labelKey(desc.value.labels), {
      line: i + 1,
      labels: desc.value.labels,
      values: desc.value.values,
      pos: j,
    });
  }
  const cmd: EvalCommand = {
    kind: 'eval',
    line: lineNo,
    expr,
    timing,
    legacy,
    legacyFail,
    expect,
    rangeVector,
    expectedString,
    expectedScalar,
    expectedSeries,
  };
  return ok({ next: i, cmd });
}

/** Adds one `expect` line to `into`; returns an error message or undefined. */
function parseExpectLine(
  def: string,
  into: {
    fail: MessageMatcher[];
    warn: MessageMatcher[];
    info: MessageMatcher[];
    noWarn: boolean;
    noInfo: boolean;
    ordered: boolean;
  },
): string | undefined {
  const m = EXPECT.exec(def.trim());
  if (!m) return 'invalid expect statement, must match `expect <type> <match_type>: <string>` format';
  const type = m[1] as 'ordered' | 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info';
  let matcher: MessageMatcher = { kind: 'any' };
  if (m[2] === 'msg') matcher = { kind: 'msg', text: (m[3] as string).trim() };
  else if (m[2] === 'regex') {
    const pattern = (m[3] as string).trim();
    const re = re2Matcher(pattern);
    if (!re) return `invalid regex ${pattern} for ${type}`;
    matcher = re;
  }
  switch (type) {
    case 'fail':
    case 'warn':
    case 'info':
      into[type].push(matcher);
      break;
    case 'no_warn':
      into.noWarn = true;
      break;
    case 'no_info':
      into.noInfo = true;
      break;
    case 'ordered':
      into.ordered = true;
      break;
    default: {
      const never: never = type;
      return `unknown expect type ${String(never)}`;
    }
  }
  if (into.info.length > 0 && into.noInfo) return 'invalid expect lines, info and no_info cannot be used together';
  if (into.warn.length > 0 && into.noWarn) return 'invalid expect lines, warn and no_warn cannot be used together';
  if (into.fail.length > 1) return 'invalid expect lines, multiple expect fail lines are not allowed';
  return undefined;
}

function parseRange(
  from: string,
  to: string,
  step: string,
): { startMs: number; endMs: number; stepMs: number } | string {
  const startMs = parseDuration(from);
  if (startMs === undefined) return `invalid start timestamp definition ${JSON.stringify(from)}`;
  const endMs = parseDuration(to);
  if (endMs === undefined) return `invalid end timestamp definition ${JSON.stringify(to)}`;
  if (endMs < startMs) return `invalid test definition, end timestamp (${to}) is before start timestamp (${from})`;
  const stepMs = parseDuration(step);
  if (stepMs === undefined) return `invalid step definition ${JSON.stringify(step)}`;
  return { startMs, endMs, stepMs };
}
