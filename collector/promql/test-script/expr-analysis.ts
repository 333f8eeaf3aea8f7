/**
 * What the runner needs to know about an expression without evaluating it,
 * read from the official PromQL grammar (@prometheus-io/lezer-promql):
 * - which series its selectors could touch, to skip evaluations that read
 *   data our store cannot hold (native histograms, start timestamps);
 * - the `@`-pinned variant promqltest re-runs every instant query with, to
 *   check step invariance.
 * The engine's own parser is deliberately not used: the harness must not
 * depend on the thing it judges.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { RE2JS } from 're2js';
import type { Labels, Matcher, MatchType } from '../../tsdb/interface.js';
import { unquote } from './go-literals.js';

/** Functions whose result moves with the evaluation time even when their arguments are pinned (Prometheus' AtModifierUnsafeFunctions). */
const AT_UNSAFE = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
]);

export interface ExprAnalysis {
  /** One matcher list per vector selector; undefined when the grammar could not read the expression. */
  readonly selectors: readonly (readonly Matcher[])[] | undefined;
}

export function analyzeExpr(expr: string): ExprAnalysis {
  const tree = parser.parse(expr);
  let broken = false;
  const selectors: Matcher[][] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) broken = true;
      if (n.name === 'VectorSelector') {
        const ms = selectorMatchers(n.node, expr);
        if (ms === undefined) broken = true;
        else selectors.push(ms);
      }
    },
  });
  return { selectors: broken ? undefined : selectors };
}

function selectorMatchers(node: SyntaxNode, expr: string): Matcher[] | undefined {
  const out: Matcher[] = [];
  const text = (n: SyntaxNode): string => expr.slice(n.from, n.to);
  const ident = node.getChild('Identifier');
  if (ident) out.push({ type: '=', name: '__name__', value: text(ident) });
  for (const m of node.getChild('LabelMatchers')?.getChildren('QuotedLabelName') ?? []) {
    const name = unquote(text(m));
    if (name === undefined) return undefined;
    out.push({ type: '=', name: '__name__', value: name });
  }
  const matchers = [
    ...(node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []),
    ...(node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher') ?? []),
  ];
  for (const m of matchers) {
    const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp')?.firstChild?.name;
    const valueNode = m.getChild('StringLiteral');
    if (!nameNode || !op || !valueNode) return undefined;
    const name = nameNode.name === 'LabelName' ? text(nameNode) : unquote(text(nameNode));
    const value = unquote(text(valueNode));
    const type = ({ EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' } as Record<string, MatchType>)[op];
    if (name === undefined || value === undefined || type === undefined) return undefined;
    out.push({ type, name, value });
  }
  return out;
}

/** Whether a selector could select `labels`. A regex the checker cannot compile counts as matching. */
export function selectorMayMatch(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.type) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
      case '!~': {
        let full: boolean;
        try {
          full = RE2JS.compile(`(?s:${m.value})`).matches(v);
        } catch {
          return true;
        }
        return m.type === '=~' ? full : !full;
      }
      default: {
        const never: never = m.type;
        return Boolean(never);
      }
    }
  });
}

/**
 * promqltest's step-invariance rewrite: every selector and subquery not yet
 * pinned gets `@ <t>` (selectors inside subqueries are left alone). Returns
 * undefined when the expression calls an @-unsafe function, as promqltest
 * then skips these cases, and when the grammar cannot read the expression
 * (a function newer than @prometheus-io/lezer-promql, say), where pinning
 * would be guesswork.
 */
export function pinToTime(expr: string, tMs: number): string | undefined {
  const tree = parser.parse(expr);
  const inserts: number[] = [];
  let unsafe = false;
  tree.iterate({
    enter: (n) => {
      // Where the grammar cannot read the expression, selector positions are guesses: do not pin.
      if (n.type.isError) unsafe = true;
      if (n.name === 'FunctionIdentifier' && AT_UNSAFE.has(expr.slice(n.from, n.to))) unsafe = true;
      if (n.name !== 'VectorSelector' && n.name !== 'MatrixSelector' && n.name !== 'SubqueryExpr') return;
      if (n.name === 'VectorSelector' && n.node.parent?.name === 'MatrixSelector') return;
      // Nothing inside a subquery is pinned: the subquery itself carries the @.
      for (let a = n.node.parent; a; a = a.parent) if (a.name === 'SubqueryExpr') return;
      const { end, pinned } = scanModifiers(expr, n.to);
      if (!pinned) inserts.push(end);
    },
  });
  if (unsafe) return undefined;
  const at = ` @ ${(tMs / 1000).toFixed(3)}`;
  let out = expr;
  for (const pos of inserts.sort((a, b) => b - a)) out = out.slice(0, pos) + at + out.slice(pos);
  return out;
}

/**
 * Reads the modifiers written after a selector or subquery ending at `pos`.
 * Text, not tree: the lezer grammar gives `@` a looser binding than
 * Prometheus' parser does (it reads `-m @ 1` as `(-m) @ 1`), while in
 * PromQL `@`, `offset`, `anchored` and `smoothed` always belong to the
 * selector right before them. `end` is where promqltest's printer puts the
 * `@` (after `anchored`/`smoothed`); `pinned` says whether one is there already.
 */
function scanModifiers(expr: string, pos: number): { end: number; pinned: boolean } {
  let i = skipSpace(expr, pos);
  let end = pos;
  let pinned = false;
  for (;;) {
    const word = /^[a-zA-Z_]+/.exec(expr.slice(i))?.[0]?.toLowerCase();
    if (word === 'anchored' || word === 'smoothed') {
      i += word.length;
      end = i;
      i = skipSpace(expr, i);
    } else if (word === 'offset' || word === 'align') {
      i = skipOperand(expr, skipSpace(expr, i + word.length));
      i = skipSpace(expr, i);
    } else if (expr[i] === '@') {
      pinned = true;
      i = skipOperand(expr, skipSpace(expr, i + 1));
      i = skipSpace(expr, i);
    } else {
      return { end, pinned };
    }
  }
}

/** Skips a modifier's operand: a signed number or duration, `start()`/`step()`-style call, or a parenthesised expression. */
function skipOperand(expr: string, pos: number): number {
  let i = pos;
  if (expr[i] === '-' || expr[i] === '+') i = skipSpace(expr, i + 1);
  if (expr[i] === '(') {
    let depth = 0;
    for (; i < expr.length; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')' && --depth === 0) return i + 1;
    }
    return i;
  }
  const token = /^[a-zA-Z0-9_.]+/.exec(expr.slice(i))?.[0] ?? '';
  i += token.length;
  const call = /^\s*\(\s*\)/.exec(expr.slice(i));
  return call ? i + call[0].length : i;
}

function skipSpace(expr: string, pos: number): number {
  let i = pos;
  while (i < expr.length && /\s/.test(expr[i] as string)) i++;
  return i;
}
