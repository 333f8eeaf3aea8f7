/**
 * The type checks Prometheus' parser performs after building the tree
 * (checkAST): operand types, `bool` and set-operator rules, function arity
 * and argument types, selectors that match something, experimental gates.
 */
import { compileAnchored, fullMatch } from '../regex.js';
import type { Matcher } from '../../tsdb/interface.js';
import { typeOf, type Expr, type ValueType } from './ast.js';
import { FUNCTIONS } from './functions.js';
import { ParseFail } from './parse-error.js';

export interface CheckOptions {
  readonly enableExperimentalFunctions: boolean;
}

const DOC_TYPE: Readonly<Record<ValueType, string>> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

function expectType(e: Expr, want: ValueType, context: string): void {
  const got = typeOf(e);
  if (got !== want) throw new ParseFail(e.pos, `expected type ${DOC_TYPE[want]} in ${context}, got ${DOC_TYPE[got]}`);
}

/** Whether a matcher also matches the empty string (and so selects "everything"). */
export function matchesEmpty(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
    case '!~': {
      const re = compileAnchored(m.value);
      const hit = re.ok ? fullMatch(re.value, '') : false;
      return m.type === '=~' ? hit : !hit;
    }
    default: {
      const never: never = m.type;
      return never;
    }
  }
}

function checkRegexes(e: Extract<Expr, { kind: 'vectorSelector' }>): void {
  for (const m of e.matchers) {
    if (m.type === '=~' || m.type === '!~') {
      const re = compileAnchored(m.value);
      if (!re.ok) throw new ParseFail(e.pos, `invalid regular expression "${m.value}": ${re.error}`);
    }
  }
}

export function checkExpr(e: Expr, opts: CheckOptions): void {
  switch (e.kind) {
    case 'number':
    case 'string':
      return;
    case 'vectorSelector':
      checkRegexes(e);
      if (e.mode !== undefined && !opts.enableExperimentalFunctions) {
        throw new ParseFail(e.pos, `${e.mode} modifier is experimental and not enabled`);
      }
      if (e.matchers.every(matchesEmpty))
        throw new ParseFail(e.pos, 'vector selector must contain at least one non-empty matcher');
      return;
    case 'matrixSelector':
      checkExpr(e.vector, opts);
      if (e.mode !== undefined && !opts.enableExperimentalFunctions) {
        throw new ParseFail(e.pos, `${e.mode} modifier is experimental and not enabled`);
      }
      if (e.range.kind === 'ms' && e.range.ms <= 0) throw new ParseFail(e.pos, 'duration must be greater than 0');
      return;
    case 'subquery':
      checkExpr(e.expr, opts);
      if (e.aligned === true && !opts.enableExperimentalFunctions)
        throw new ParseFail(e.pos, 'aligned subqueries are experimental and not enabled');
      if (typeOf(e.expr) !== 'vector') {
        throw new ParseFail(
          e.pos,
          `subquery is only allowed on instant vector, got ${DOC_TYPE[typeOf(e.expr)]} instead`,
        );
      }
      if (e.range.kind === 'ms' && e.range.ms <= 0) throw new ParseFail(e.pos, 'duration must be greater than 0');
      return;
    case 'paren':
      checkExpr(e.expr, opts);
      return;
    case 'unary': {
      checkExpr(e.expr, opts);
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') {
        throw new ParseFail(e.pos, 'unary expression only allowed on expressions of type scalar or instant vector');
      }
      return;
    }
    case 'call':
      checkCall(e, opts);
      return;
    case 'aggregate':
      checkExpr(e.expr, opts);
      if ((e.op === 'limitk' || e.op === 'limit_ratio') && !opts.enableExperimentalFunctions) {
        throw new ParseFail(
          e.pos,
          `limitk() and limit_ratio() are experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        );
      }
      expectType(e.expr, 'vector', 'aggregation expression');
      if (e.param !== undefined) {
        checkExpr(e.param, opts);
        expectType(e.param, e.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
      }
      return;
    case 'binary':
      checkBinary(e, opts);
      return;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function checkCall(e: Extract<Expr, { kind: 'call' }>, opts: CheckOptions): void {
  const fn = FUNCTIONS.get(e.func);
  if (fn === undefined) throw new ParseFail(e.pos, `unknown function with name "${e.func}"`);
  if (fn.experimental && !opts.enableExperimentalFunctions)
    throw new ParseFail(e.pos, `function "${e.func}" is not enabled`);
  const n = e.args.length;
  const want = fn.argTypes.length;
  if (fn.variadic === 0) {
    if (n !== want) throw new ParseFail(e.pos, `expected ${want} argument(s) in call to "${e.func}", got ${n}`);
  } else {
    const min = want - 1;
    if (min > n) throw new ParseFail(e.pos, `expected at least ${min} argument(s) in call to "${e.func}", got ${n}`);
    if (fn.variadic > 0 && min + fn.variadic < n) {
      throw new ParseFail(e.pos, `expected at most ${min + fn.variadic} argument(s) in call to "${e.func}", got ${n}`);
    }
  }
  e.args.forEach((a, i) => {
    // info()'s second argument only names info metrics and data labels; it may match "everything".
    if (e.func === 'info' && i === 1 && a.kind === 'vectorSelector') checkRegexes(a);
    else checkExpr(a, opts);
    const t = fn.argTypes[Math.min(i, want - 1)];
    if (t !== undefined) expectType(a, t, `call to function "${e.func}"`);
  });
}

function checkBinary(e: Extract<Expr, { kind: 'binary' }>, opts: CheckOptions): void {
  checkExpr(e.lhs, opts);
  checkExpr(e.rhs, opts);
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  const cmp = COMPARISON.has(e.op);
  if (e.fill !== undefined && !opts.enableExperimentalFunctions)
    throw new ParseFail(e.pos, 'fill modifiers are experimental and not enabled');
  if (e.returnBool && !cmp) throw new ParseFail(e.pos, 'bool modifier can only be used on comparison operators');
  if (cmp && lt === 'scalar' && rt === 'scalar' && !e.returnBool) {
    throw new ParseFail(e.pos, 'comparisons between scalars must use BOOL modifier');
  }
  if (SET_OPS.has(e.op) && (lt === 'scalar' || rt === 'scalar')) {
    throw new ParseFail(e.pos, `set operator "${e.op}" not allowed in binary scalar expression`);
  }
  for (const [side, t] of [
    [e.lhs, lt],
    [e.rhs, rt],
  ] as const) {
    if (t !== 'scalar' && t !== 'vector') {
      throw new ParseFail(side.pos, 'binary expression must contain only scalar and instant vector types');
    }
  }
  const m = e.matching;
  if (m !== undefined && (lt !== 'vector' || rt !== 'vector')) {
    if (m.labels.length > 0 || m.card !== 'one-to-one') {
      throw new ParseFail(e.pos, 'vector matching only allowed between instant vectors');
    }
  }
  if (m !== undefined && SET_OPS.has(e.op) && (m.card === 'many-to-one' || m.card === 'one-to-many')) {
    throw new ParseFail(e.pos, `no grouping allowed for "${e.op}" operation`);
  }
  if (m !== undefined && m.on) {
    for (const l of m.include) {
      if (m.labels.includes(l))
        throw new ParseFail(e.pos, `label "${l}" must not occur in ON and GROUP clause at once`);
    }
  }
}
