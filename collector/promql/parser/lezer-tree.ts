/**
 * A plain copy of the lezer syntax tree (name, span, children) that the AST
 * builder can pattern-match on, plus the translation of lezer's error nodes
 * into a positioned parse error.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { describeToken, ParseFail } from './parse-error.js';

export interface PNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly children: readonly PNode[];
  readonly isError: boolean;
}

/** Parses `text` with the official grammar; throws ParseFail at the first syntax error. */
export function lezerTree(text: string): PNode {
  const tree = parser.parse(text);
  const stack: { name: string; from: number; to: number; isError: boolean; children: PNode[] }[] = [];
  let root: PNode | undefined;
  let firstError: { from: number; parent: string[] } | undefined;
  tree.iterate({
    enter(n) {
      const node = { name: n.name, from: n.from, to: n.to, isError: n.type.isError, children: [] as PNode[] };
      if (node.isError && firstError === undefined) {
        firstError = { from: n.from, parent: stack.map((s) => s.name) };
      }
      stack.push(node);
    },
    leave() {
      const done = stack.pop();
      if (done === undefined) return;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(done);
      else root = done;
    },
  });
  if (firstError !== undefined) throw syntaxError(text, firstError.from, firstError.parent);
  const top = root?.children[0];
  if (top === undefined) throw new ParseFail({ start: 0, end: 0 }, 'no expression found in input');
  return top;
}

function syntaxError(text: string, from: number, ancestors: readonly string[]): ParseFail {
  // lezer marks the token after a bare identifier when it is followed by "(":
  // that is a call of a function the grammar does not know.
  const before = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(text.slice(0, from));
  const rest = text.slice(from).trimStart();
  if (before && rest.startsWith('(') && !ancestors.includes('LabelMatchers')) {
    const start = from - (before[0]?.length ?? 0);
    return new ParseFail({ start, end: from }, `unknown function with name "${before[1] ?? ''}"`);
  }
  const at = from + (text.slice(from).length - rest.length);
  const what = describeToken(text, from);
  let where = '';
  const last = ancestors[ancestors.length - 1];
  if (ancestors.includes('LabelMatchers')) where = ' in label matching';
  else if (last === 'GroupingLabels') where = ' in grouping opts';
  else if (ancestors.includes('DurationExpr')) where = ' in duration expression';
  const pos = what === 'end of input' ? text.length : at;
  return new ParseFail({ start: pos, end: pos }, `unexpected ${what}${where}`);
}
