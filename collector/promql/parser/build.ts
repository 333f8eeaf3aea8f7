/**
 * Builds the typed AST from the lezer tree. Type checks that Prometheus does
 * while parsing live in check.ts; this file only knows the tree's shape.
 */
import type { Matcher, MatchType } from '../../tsdb/interface.js';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryOp,
  DurationExpr,
  Expr,
  FillValues,
  MatrixSelector,
  NumberLiteral,
  PosRange,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import type { PNode } from './lezer-tree.js';
import { parseNumber, unquoteString } from './literals.js';
import { ParseFail } from './parse-error.js';
import { foldDuration } from './duration.js';

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Readonly<Record<string, MatchType>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

export class TreeBuilder {
  constructor(private readonly text: string) {}

  private src(n: PNode): string {
    return this.text.slice(n.from, n.to);
  }

  private pos(n: PNode): PosRange {
    return { start: n.from, end: n.to };
  }

  private fail(n: PNode | PosRange, msg: string): ParseFail {
    return 'name' in n ? new ParseFail(this.pos(n), msg) : new ParseFail(n, msg);
  }

  expr(n: PNode): Expr {
    const c = n.children;
    switch (n.name) {
      case 'NumberDurationLiteral':
        return this.number(n);
      case 'StringLiteral':
        return { kind: 'string', value: this.string(n), pos: this.pos(n) };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
        return this.matrixSelector(n);
      case 'SubqueryExpr':
        return this.subquery(n);
      case 'OffsetExpr':
        return this.offset(n);
      case 'StepInvariantExpr':
        return this.at(n);
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.extendedRange(n);
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(child(c, 0)), pos: this.pos(n) };
      case 'UnaryExpr': {
        const op = this.src(child(c, 0)) === '-' ? '-' : '+';
        return { kind: 'unary', op, expr: this.expr(child(c, 1)), pos: this.pos(n) };
      }
      case 'BinaryExpr':
        return this.binary(n);
      case 'FunctionCall': {
        const name = this.src(child(c, 0));
        const args = child(c, 1).children.map((a) => this.expr(a));
        return { kind: 'call', func: name, args, pos: this.pos(n) };
      }
      case 'AggregateExpr':
        return this.aggregate(n);
      default:
        throw this.fail(n, `unexpected ${n.name}`);
    }
  }

  private number(n: PNode): NumberLiteral {
    const text = this.src(n);
    const sign = text[0] === '-' ? -1 : 1;
    const body = text.replace(/^[-+]\s*/, '');
    const v = parseNumber(body);
    if (v === undefined) throw this.fail(n, `bad number or duration syntax: "${body}"`);
    return { kind: 'number', value: sign * v, text, pos: this.pos(n) };
  }

  string(n: PNode): string {
    const r = unquoteString(this.src(n));
    if (!r.ok) throw this.fail(n, r.error);
    return r.value;
  }

  private vectorSelector(n: PNode): VectorSelector {
    let name: string | undefined;
    const matchers: Matcher[] = [];
    for (const c of n.children) {
      if (c.name === 'Identifier') name = this.src(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of c.children) matchers.push(this.matcher(m));
      }
    }
    const fromBraces = matchers.filter((m) => m.name === '__name__' && m.type === '=');
    if (name !== undefined) {
      const dup = matchers.find((m) => m.name === '__name__');
      if (dup !== undefined) throw this.fail(n, `metric name must not be set twice: "${name}" or "${dup.value}"`);
      matchers.unshift({ type: '=', name: '__name__', value: name });
    } else if (fromBraces.length === 1) {
      name = fromBraces[0]?.value;
    }
    return { kind: 'vectorSelector', name, matchers, offset: undefined, at: undefined, pos: this.pos(n) };
  }

  private matcher(n: PNode): Matcher {
    const c = n.children;
    if (n.name === 'QuotedLabelName') return { type: '=', name: '__name__', value: this.string(child(c, 0)) };
    const nameNode = child(c, 0);
    const name = nameNode.name === 'QuotedLabelName' ? this.string(child(nameNode.children, 0)) : this.src(nameNode);
    const op = MATCH_OPS[child(child(c, 1).children, 0).name];
    if (op === undefined) throw this.fail(n, 'unexpected matcher operator');
    return { type: op, name, value: this.string(child(c, 2)) };
  }

  private matrixSelector(n: PNode): MatrixSelector {
    const inner = this.expr(child(n.children, 0));
    if (inner.kind !== 'vectorSelector') throw this.fail(n, 'ranges only allowed for vector selectors');
    if (inner.offset !== undefined || inner.at !== undefined) throw this.fail(n, 'no offset modifiers allowed before range');
    const range = this.duration(child(n.children, 1));
    return { kind: 'matrixSelector', vector: inner, range, mode: undefined, pos: this.pos(n) };
  }

  private subquery(n: PNode): SubqueryExpr {
    const c = n.children;
    const expr = this.expr(child(c, 0));
    const range = this.duration(child(c, 1));
    const stepNode = c[2];
    const step = stepNode === undefined ? undefined : this.duration(stepNode);
    return { kind: 'subquery', expr, range, step, offset: undefined, at: undefined, pos: this.pos(n) };
  }

  private extendedRange(n: PNode): Expr {
    const inner = this.expr(child(n.children, 0));
    const mode = n.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
    if (inner.kind !== 'matrixSelector') {
      throw this.fail(n, `${mode} modifier can only be used with range vector selectors`);
    }
    if (inner.mode !== undefined) throw this.fail(n, `${mode} may not be combined with ${inner.mode}`);
    return { ...inner, mode, pos: this.pos(n) };
  }

  private offset(n: PNode): Expr {
    const c = n.children;
    const target = this.expr(child(c, 0));
    const off = this.offsetDuration(child(c, 2));
    const pos = this.pos(n);
    switch (target.kind) {
      case 'vectorSelector':
        if (target.offset !== undefined) throw this.fail(n, 'offset may not be set multiple times');
        return { ...target, offset: off, pos };
      case 'matrixSelector':
        if (target.vector.offset !== undefined) throw this.fail(n, 'offset may not be set multiple times');
        return { ...target, vector: { ...target.vector, offset: off }, pos };
      case 'subquery':
        if (target.offset !== undefined) throw this.fail(n, 'offset may not be set multiple times');
        return { ...target, offset: off, pos };
      default:
        throw this.fail(n, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    }
  }

  private at(n: PNode): Expr {
    const c = n.children;
    const target = this.expr(child(c, 0));
    const arg = child(c, 2);
    let at: AtModifier;
    if (arg.name === 'AtModifierPreprocessors') {
      at = { kind: child(arg.children, 0).name === 'AtStart' ? 'start' : 'end' };
    } else {
      const num = this.number(arg);
      const v = num.value;
      const ms = Math.round(v * 1000);
      if (!Number.isFinite(v) || Math.abs(ms) > 9.2e18) throw this.fail(arg, 'timestamp out of bounds for @ modifier');
      at = { kind: 'time', ms };
    }
    const pos = this.pos(n);
    const twice = '@ <timestamp> may not be set multiple times';
    switch (target.kind) {
      case 'vectorSelector':
        if (target.at !== undefined) throw this.fail(n, twice);
        return { ...target, at, pos };
      case 'matrixSelector':
        if (target.vector.at !== undefined) throw this.fail(n, twice);
        return { ...target, vector: { ...target.vector, at }, pos };
      case 'subquery':
        if (target.at !== undefined) throw this.fail(n, twice);
        return { ...target, at, pos };
      default:
        throw this.fail(n, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    }
  }

  private binary(n: PNode): Expr {
    const c = n.children;
    const lhsNode = child(c, 0);
    const opNode = child(c, 1);
    const rhsNode = child(c, c.length - 1);
    const op = BINARY_OPS[opNode.name];
    if (op === undefined) throw this.fail(opNode, `binary operator "${this.src(opNode)}" is not supported`);
    let returnBool = false;
    let matching: VectorMatching | undefined;
    let fill: FillValues | undefined;
    for (const m of c.slice(2, -1)) {
      if (m.name === 'BoolModifier') returnBool = true;
      else if (m.name === 'MatchingModifierClause') matching = this.matching(m);
      else if (m.name === 'FillModifier') fill = this.fill(m);
    }
    // The grammar folds a sign into a number literal, but unary minus binds
    // looser than "^": -2 ^ 2 is -(2 ^ 2).
    const lhsText = this.src(lhsNode);
    if (op === '^' && lhsNode.name === 'NumberDurationLiteral' && /^[-+]/.test(lhsText)) {
      const abs = this.number(lhsNode);
      const unsigned: NumberLiteral = { ...abs, text: lhsText.slice(1).trim(), value: Math.abs(abs.value), pos: { start: lhsNode.from + 1, end: lhsNode.to } };
      const inner: Expr = { kind: 'binary', op, lhs: unsigned, rhs: this.expr(rhsNode), returnBool, matching, fill, pos: { start: lhsNode.from + 1, end: n.to } };
      return { kind: 'unary', op: lhsText[0] === '-' ? '-' : '+', expr: inner, pos: this.pos(n) };
    }
    return { kind: 'binary', op, lhs: this.expr(lhsNode), rhs: this.expr(rhsNode), returnBool, matching, fill, pos: this.pos(n) };
  }

  private labelList(n: PNode): string[] {
    return n.children.map((l) => (l.name === 'QuotedLabelName' ? this.string(child(l.children, 0)) : this.src(l)));
  }

  private matching(n: PNode): VectorMatching {
    const c = n.children;
    const on = child(c, 0).name === 'On';
    const labels = this.labelList(child(c, 1));
    let card: VectorMatching['card'] = 'one-to-one';
    let include: string[] = [];
    const g = c[2];
    if (g !== undefined) {
      card = g.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
      const inc = c[3];
      if (inc !== undefined) include = this.labelList(inc);
    }
    return { card, on, labels, include, explicit: true };
  }

  private fill(n: PNode): FillValues {
    let lhs: number | undefined;
    let rhs: number | undefined;
    for (const clause of n.children) {
      const numNode = clause.children.find((x) => x.name === 'NumberDurationLiteral');
      const num = numNode === undefined ? undefined : this.number(numNode);
      const v = num?.value ?? NaN;
      if (clause.name === 'FillClause') {
        lhs = v;
        rhs = v;
      } else if (clause.name === 'FillLeftClause') lhs = v;
      else rhs = v;
    }
    return { lhs, rhs };
  }

  private aggregate(n: PNode): AggregateExpr {
    const opNode = child(n.children, 0);
    const op = this.src(opNode).toLowerCase() as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let hasGrouping = false;
    let body: PNode | undefined;
    for (const c of n.children.slice(1)) {
      if (c.name === 'AggregateModifier') {
        hasGrouping = true;
        without = child(c.children, 0).name === 'Without';
        grouping = this.labelList(child(c.children, 1));
      } else if (c.name === 'FunctionCallBody') body = c;
    }
    const args = (body?.children ?? []).map((a) => this.expr(a));
    const parameterized = ['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio'].includes(op);
    const want = parameterized ? 2 : 1;
    if (args.length === 0) throw this.fail(n, 'no arguments for aggregate expression provided');
    if (args.length !== want) {
      throw this.fail(n, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    }
    const expr = parameterized ? args[1] : args[0];
    if (expr === undefined) throw this.fail(n, 'no arguments for aggregate expression provided');
    return { kind: 'aggregate', op, expr, param: parameterized ? args[0] : undefined, grouping, without, hasGrouping, pos: this.pos(n) };
  }

  duration(n: PNode): DurationExpr {
    const c = n.children;
    if (n.name === 'NumberDurationLiteralInDurationContext' || n.name === 'NumberDurationLiteral') {
      const text = this.src(n);
      const v = parseNumber(text.replace(/^[-+]/, ''));
      if (v === undefined) throw this.fail(n, `bad number or duration syntax: "${text}"`);
      return { kind: 'ms', ms: (text.startsWith('-') ? -1 : 1) * v * 1000 };
    }
    const first = c[0];
    if (first === undefined) throw this.fail(n, 'missing duration');
    if (first.name === 'DurationStep') return { kind: 'step' };
    if (first.name === 'DurationRange') return { kind: 'range' };
    if (first.name === 'DurationMinOf' || first.name === 'DurationMaxOf') {
      const kind = first.name === 'DurationMinOf' ? 'minOf' : 'maxOf';
      return foldDuration({ kind, lhs: this.duration(child(c, 1)), rhs: this.duration(child(c, 2)) });
    }
    if (first.name === 'UnaryOp') {
      const inner = this.duration(child(c, 1));
      return this.src(first) === '-' ? foldDuration({ kind: 'neg', expr: inner }) : inner;
    }
    if (c.length === 3) {
      const op = BINARY_OPS[child(c, 1).name];
      if (op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '%' && op !== '^') {
        throw this.fail(child(c, 1), 'unexpected operator in duration expression');
      }
      return foldDuration({ kind: 'op', op, lhs: this.duration(child(c, 0)), rhs: this.duration(child(c, 2)) });
    }
    return this.duration(first);
  }

  private offsetDuration(n: PNode): DurationExpr {
    return this.duration(n);
  }
}

function child(c: readonly PNode[], i: number): PNode {
  const n = c[i];
  if (n === undefined) throw new ParseFail({ start: 0, end: 0 }, 'incomplete expression');
  return n;
}
