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
  try {
    return lezerTreeOf(text, normalizeForLezer(text, false));
  } catch (first) {
    // min_of/max_of are scalar functions outside durations, but the grammar
    // only knows them inside one; retry with a same-length stand-in name.
    const retry = normalizeForLezer(text, true);
    if (!/\b(min_of|max_of)\s*\(/i.test(text)) throw first;
    try {
      return lezerTreeOf(text, retry);
    } catch {
      throw first;
    }
  }
}

function lezerTreeOf(text: string, normalized: string): PNode {
  const tree = parser.parse(normalized);
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

/**
 * Same-length rewrites for what Prometheus' lexer accepts and the lezer
 * grammar does not: a trailing dot on a number (`2.`) and the duration
 * keywords in any case (`STEP()`). Strings and comments are left alone, and
 * offsets stay valid because nothing changes length.
 */
export function normalizeForLezer(text: string, scalarMinMax: boolean): string {
  let out = '';
  let i = 0;
  let bracketDepth = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '[') bracketDepth++;
    if (c === ']') bracketDepth = Math.max(0, bracketDepth - 1);
    if (c === ':' && bracketDepth > 0 && text[i + 1] === ':') {
      // Aligned subquery "[r::s]": the grammar only knows "[r:s]"; the builder reads the original.
      out += ': ';
      i += 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += c !== '`' && text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '#') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    // Inside [...] a colon separates range and step; it is never part of a name.
    const word = (bracketDepth > 0 ? /^[a-zA-Z_][a-zA-Z0-9_]*/ : /^[a-zA-Z_:][a-zA-Z0-9_:]*/).exec(
      text.slice(i, i + 64),
    );
    if (word) {
      const w = word[0];
      const lower = w.toLowerCase();
      const call = /^\s*\(/.test(text.slice(i + w.length));
      const isDurationFn = (lower === 'step' || lower === 'range' || lower === 'min_of' || lower === 'max_of') && call;
      // The builder reads function names from the original text.
      if (scalarMinMax && isDurationFn && (lower === 'min_of' || lower === 'max_of') && bracketDepth === 0)
        out += 'absent';
      else out += isDurationFn ? lower : w;
      i += w.length;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|[0-9][0-9_]*)(\.)(?![0-9])/.exec(text.slice(i, i + 64));
    if (num && !/[a-zA-Z_:]/.test(text[i - 1] ?? '')) {
      out += `${num[1] ?? ''} `;
      i += num[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Unbalanced brackets, reported as Prometheus' lexer reports them. */
function bracketError(text: string): ParseFail | undefined {
  const stack: { c: string; at: number }[] = [];
  const closing: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
  const names: Readonly<Record<string, string>> = {
    ')': 'right parenthesis',
    ']': 'right bracket',
    '}': 'right brace',
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c !== '`' && text[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '#') {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push({ c, at: i });
    const open = closing[c];
    if (open !== undefined) {
      const top = stack.pop();
      if (top === undefined || top.c !== open)
        return new ParseFail({ start: i, end: i + 1 }, `unexpected ${names[c] ?? c} '${c}'`);
    }
  }
  const top = stack[stack.length - 1];
  if (top === undefined) return undefined;
  const end = { start: text.length, end: text.length };
  if (top.c === '(') return new ParseFail(end, 'unclosed left parenthesis');
  if (top.c === '[') return new ParseFail(end, 'unclosed left bracket');
  return new ParseFail(end, 'unexpected end of input inside braces');
}

function syntaxError(text: string, from: number, ancestors: readonly string[]): ParseFail {
  const unbalanced = bracketError(text);
  if (unbalanced !== undefined) return unbalanced;
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
