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
import { parseDurationMs, parseNumber, unquoteString } from './literals.js';
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

/** Prometheus' binary operator precedence, lowest first. */
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<=': 3,
  '<': 3,
  '>=': 3,
  '>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

type FlatItem =
  | { kind: 'operand'; expr: Expr }
  | { readonly kind: 'prefix'; readonly op: '-' | '+'; readonly from: number }
  | { readonly kind: 'infix'; readonly node: PNode };

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
      case 'BinaryExpr':
      case 'UnaryExpr':
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.operatorExpr(n);
      case 'StringLiteral':
        return { kind: 'string', value: this.string(n), pos: this.pos(n) };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(child(c, 0)), pos: this.pos(n) };
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

  /**
   * The lezer grammar gives postfix modifiers (`[5m]`, `offset`, `@`) and
   * unary signs looser binding than Prometheus' yacc grammar does: it reads
   * `a + b @ 1` as `(a + b) @ 1`. So operator chains are flattened into
   * operands and operators, postfixes re-attached to the operand right
   * before them, and the chain rebuilt by Prometheus' precedence.
   */
  private operatorExpr(n: PNode): Expr {
    const items: FlatItem[] = [];
    this.flatten(n, items);
    const state = { i: 0 };
    const e = this.climb(items, state, 0);
    if (state.i !== items.length) throw this.fail(n, 'unexpected operator sequence');
    return e;
  }

  private flatten(n: PNode, out: FlatItem[]): void {
    const c = n.children;
    switch (n.name) {
      case 'BinaryExpr':
        this.flatten(child(c, 0), out);
        out.push({ kind: 'infix', node: n });
        this.flatten(child(c, c.length - 1), out);
        return;
      case 'UnaryExpr':
        out.push({ kind: 'prefix', op: this.src(child(c, 0)) === '-' ? '-' : '+', from: n.from });
        this.flatten(child(c, 1), out);
        return;
      case 'NumberDurationLiteral': {
        const text = this.src(n);
        if (/^[-+]/.test(text)) {
          out.push({ kind: 'prefix', op: text[0] === '-' ? '-' : '+', from: n.from });
          const body = text.slice(1);
          const start = n.from + (text.length - body.trimStart().length);
          out.push({ kind: 'operand', expr: this.unsignedNumber(body.trim(), { start, end: n.to }) });
          return;
        }
        out.push({ kind: 'operand', expr: this.unsignedNumber(text, this.pos(n)) });
        return;
      }
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        this.flatten(child(c, 0), out);
        const last = out[out.length - 1];
        if (last === undefined || last.kind !== 'operand') throw this.fail(n, 'unexpected modifier');
        last.expr = this.postfix(n, last.expr);
        return;
      }
      default:
        out.push({ kind: 'operand', expr: this.expr(n) });
    }
  }

  /** Precedence climbing over the flat chain; ^ is right-associative, unary binds like * but below ^. */
  private climb(items: FlatItem[], st: { i: number }, minPrec: number): Expr {
    let lhs = this.unaryOperand(items, st);
    for (;;) {
      const it = items[st.i];
      if (it === undefined || it.kind !== 'infix') return lhs;
      const opNode = child(it.node.children, 1);
      const op = BINARY_OPS[opNode.name];
      if (op === undefined) throw this.fail(opNode, `binary operator "${this.src(opNode)}" is not supported`);
      const prec = PRECEDENCE[op];
      if (prec < minPrec) return lhs;
      st.i++;
      const rhs = this.climb(items, st, op === '^' ? prec : prec + 1);
      lhs = this.binary(it.node, op, lhs, rhs);
    }
  }

  private unaryOperand(items: FlatItem[], st: { i: number }): Expr {
    const it = items[st.i];
    if (it === undefined)
      throw new ParseFail({ start: this.text.length, end: this.text.length }, 'unexpected end of input');
    st.i++;
    if (it.kind === 'operand') return it.expr;
    if (it.kind !== 'prefix')
      throw new ParseFail({ start: it.node.from, end: it.node.to }, 'unexpected binary operator');
    // The operand of a unary sign extends over ^ only (Prometheus: %prec MUL).
    const operand = this.climb(items, st, PRECEDENCE['^']);
    const pos = { start: it.from, end: operand.pos.end };
    if (operand.kind === 'number') {
      const value = it.op === '-' ? -operand.value : operand.value;
      return { kind: 'number', value, text: `${it.op}${operand.text}`, pos };
    }
    return { kind: 'unary', op: it.op, expr: operand, pos };
  }

  private unsignedNumber(text: string, pos: PosRange): NumberLiteral {
    const v = parseNumber(text);
    if (v === undefined) throw this.fail(pos, `bad number or duration syntax: "${text}"`);
    return { kind: 'number', value: v, text, pos };
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

  /** Applies a postfix node (range, subquery, offset, @, anchored/smoothed) to an already built operand. */
  private postfix(n: PNode, inner: Expr): Expr {
    const c = n.children;
    const pos = { start: inner.pos.start, end: n.to };
    switch (n.name) {
      case 'MatrixSelector': {
        if (inner.kind !== 'vectorSelector') throw this.fail(pos, 'ranges only allowed for vector selectors');
        if (inner.offset !== undefined || inner.at !== undefined)
          throw this.fail(pos, 'no offset modifiers allowed before range');
        const range = this.duration(child(c, 1));
        return { kind: 'matrixSelector', vector: inner, range, mode: undefined, pos } satisfies MatrixSelector;
      }
      case 'SubqueryExpr': {
        const range = this.duration(child(c, 1));
        const stepNode = c[2];
        const step = stepNode === undefined ? undefined : this.duration(stepNode);
        // normalizeForLezer turned "::" into ": " for the grammar; the original text tells.
        const rangeNode = child(c, 1);
        const aligned = /^\s*::/.test(this.text.slice(rangeNode.to));
        return {
          kind: 'subquery',
          expr: inner,
          range,
          step,
          offset: undefined,
          at: undefined,
          aligned,
          pos,
        } satisfies SubqueryExpr;
      }
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const mode = n.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
        if (inner.kind === 'vectorSelector' && inner.mode === undefined) return { ...inner, mode, pos };
        if (inner.kind !== 'matrixSelector')
          throw this.fail(pos, `${mode} modifier can only be used with vector selectors`);
        if (inner.mode !== undefined) throw this.fail(pos, `${mode} may not be combined with ${inner.mode}`);
        return { ...inner, mode, pos };
      }
      case 'OffsetExpr':
        return this.offset(pos, inner, this.duration(child(c, 2)));
      case 'StepInvariantExpr':
        return this.at(pos, inner, child(c, 2));
      default:
        throw this.fail(n, `unexpected ${n.name}`);
    }
  }

  private offset(pos: PosRange, target: Expr, off: DurationExpr): Expr {
    const twice = 'offset may not be set multiple times';
    switch (target.kind) {
      case 'vectorSelector':
        if (target.offset !== undefined) throw this.fail(pos, twice);
        return { ...target, offset: off, pos };
      case 'matrixSelector':
        if (target.vector.offset !== undefined) throw this.fail(pos, twice);
        return { ...target, vector: { ...target.vector, offset: off }, pos };
      case 'subquery':
        if (target.offset !== undefined) throw this.fail(pos, twice);
        return { ...target, offset: off, pos };
      case 'number':
      case 'string':
      case 'call':
      case 'aggregate':
      case 'binary':
      case 'unary':
      case 'paren':
        throw this.fail(
          pos,
          'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        );
      default: {
        const never: never = target;
        return never;
      }
    }
  }

  private at(pos: PosRange, target: Expr, arg: PNode): Expr {
    let at: AtModifier;
    if (arg.name === 'AtModifierPreprocessors') {
      at = { kind: child(arg.children, 0).name === 'AtStart' ? 'start' : 'end' };
    } else {
      const v = this.number(arg).value;
      const ms = Math.round(v * 1000);
      if (!Number.isFinite(v) || Math.abs(ms) > 9.2e18) throw this.fail(arg, 'timestamp out of bounds for @ modifier');
      at = { kind: 'time', ms };
    }
    const twice = '@ <timestamp> may not be set multiple times';
    switch (target.kind) {
      case 'vectorSelector':
        if (target.at !== undefined) throw this.fail(pos, twice);
        return { ...target, at, pos };
      case 'matrixSelector':
        if (target.vector.at !== undefined) throw this.fail(pos, twice);
        return { ...target, vector: { ...target.vector, at }, pos };
      case 'subquery':
        if (target.at !== undefined) throw this.fail(pos, twice);
        return { ...target, at, pos };
      case 'number':
      case 'string':
      case 'call':
      case 'aggregate':
      case 'binary':
      case 'unary':
      case 'paren':
        throw this.fail(
          pos,
          '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        );
      default: {
        const never: never = target;
        return never;
      }
    }
  }

  private binary(n: PNode, op: BinaryOp, lhs: Expr, rhs: Expr): Expr {
    let returnBool = false;
    let matching: VectorMatching | undefined;
    let fill: FillValues | undefined;
    for (const m of n.children) {
      if (m.name === 'BoolModifier') returnBool = true;
      else if (m.name === 'MatchingModifierClause') matching = this.matching(m);
      else if (m.name === 'FillModifier') fill = this.fill(m);
    }
    return {
      kind: 'binary',
      op,
      lhs,
      rhs,
      returnBool,
      matching,
      fill,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
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
      throw this.fail(
        n,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    }
    const expr = parameterized ? args[1] : args[0];
    if (expr === undefined) throw this.fail(n, 'no arguments for aggregate expression provided');
    return {
      kind: 'aggregate',
      op,
      expr,
      param: parameterized ? args[0] : undefined,
      grouping,
      without,
      hasGrouping,
      pos: this.pos(n),
    };
  }

  duration(n: PNode): DurationExpr {
    const c = n.children;
    if (n.name === 'NumberDurationLiteralInDurationContext' || n.name === 'NumberDurationLiteral') {
      const text = this.src(n);
      const v = parseNumber(text.replace(/^[-+]/, ''));
      if (v === undefined) throw this.fail(n, `bad number or duration syntax: "${text}"`);
      const exact = parseDurationMs(text.replace(/^[-+]/, ''));
      return { kind: 'ms', ms: (text.startsWith('-') ? -1 : 1) * (exact ?? Math.round(v * 1000)) };
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
}

function child(c: readonly PNode[], i: number): PNode {
  const n = c[i];
  if (n === undefined) throw new ParseFail({ start: 0, end: 0 }, 'incomplete expression');
  return n;
}
