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
const AT_UNSAFE = new Set(['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year', 'predict_linear', 'time', 'timestamp']);
const MODIFIER_WRAPPERS = new Set(['OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr']);

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
 * then skips these cases.
 */
export function pinToTime(expr: string, tMs: number): string | undefined {
  const tree = parser.parse(expr);
  const inserts: number[] = [];
  let unsafe = false;
  tree.iterate({
    enter: (n) => {
      if (n.name === 'FunctionIdentifier' && AT_UNSAFE.has(expr.slice(n.from, n.to))) unsafe = true;
      if (n.name !== 'VectorSelector' && n.name !== 'MatrixSelector' && n.name !== 'SubqueryExpr') return;
      if (n.name === 'VectorSelector' && n.node.parent?.name === 'MatrixSelector') return;
      // Nothing inside a subquery is pinned: the subquery itself carries the @.
      for (let a = n.node.parent; a; a = a.parent) if (a.name === 'SubqueryExpr') return;
      let top: SyntaxNode = n.node;
      let pinned = false;
      let end = n.to;
      for (let p = top.parent; p && MODIFIER_WRAPPERS.has(p.name) && isFirstChild(p, top); p = p.parent) {
        if (p.name === 'StepInvariantExpr') pinned = true;
        if (p.name === 'AnchoredExpr' || p.name === 'SmoothedExpr') end = p.to;
        top = p;
      }
      if (!pinned) inserts.push(end);
    },
  });
  if (unsafe) return undefined;
  const at = ` @ ${(tMs / 1000).toFixed(3)}`;
  let out = expr;
  for (const pos of inserts.sort((a, b) => b - a)) out = out.slice(0, pos) + at + out.slice(pos);
  return out;
}

function isFirstChild(parent: SyntaxNode, child: SyntaxNode): boolean {
  const first = parent.firstChild;
  return first !== null && first.from === child.from && first.to === child.to;
}
