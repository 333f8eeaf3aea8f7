/**
 * YAML read the way Alertmanager's go-yaml v2 reads it: YAML 1.1 scalar
 * resolution (`yes`/`on` are booleans, `0x1F` is an int), aliases expanded,
 * `<<` merge keys applied, and every node carrying its 1-based line so that
 * errors can say `line 16: field teams not found in type opsgenie.plain`.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { err, ok, type Result } from '../result.js';

export type ScalarTag = '!!str' | '!!int' | '!!float' | '!!bool' | '!!null';
export type YNode =
  | { readonly kind: 'scalar'; readonly tag: ScalarTag; readonly value: string; readonly line: number }
  | { readonly kind: 'map'; readonly pairs: readonly YPair[]; readonly line: number }
  | { readonly kind: 'seq'; readonly items: readonly YNode[]; readonly line: number };
export interface YPair {
  readonly key: YNode;
  readonly value: YNode;
}

const BOOL_TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'];
const BOOL_FALSE = ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'];
const NULLS = ['', '~', 'null', 'Null', 'NULL'];
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT_RE = /^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|[0-9]+)$/;
const MAX_ALIAS_EXPANSIONS = 10_000;

/** go-yaml's implicit typing of a plain (unquoted) scalar. */
export function resolvePlain(text: string): ScalarTag {
  if (NULLS.includes(text)) return '!!null';
  if (BOOL_TRUE.includes(text) || BOOL_FALSE.includes(text)) return '!!bool';
  const plain = text.replace(/_/g, '');
  if (INT_RE.test(plain)) return '!!int';
  if (FLOAT_RE.test(plain) || /^[-+]?\.(inf|Inf|INF)$/.test(text) || /^\.(nan|NaN|NAN)$/.test(text)) return '!!float';
  return '!!str';
}

export function yamlBool(n: YNode): boolean | undefined {
  if (n.kind !== 'scalar' || n.tag !== '!!bool') return undefined;
  return BOOL_TRUE.includes(n.value);
}

class AliasBudget extends Error {}

function convert(doc: Document, node: unknown, lc: LineCounter, budget: { left: number }): YNode {
  if (isAlias(node)) {
    if (--budget.left < 0) throw new AliasBudget('document contains excessive aliasing');
    return convert(doc, node.resolve(doc), lc, budget);
  }
  const n = node as Node | null | undefined;
  const line = n?.range ? lc.linePos(n.range[0]).line : 1;
  if (isMap(n)) {
    const explicit: YPair[] = [];
    const merged: YPair[] = [];
    for (const p of n.items) {
      const key = convert(doc, p.key, lc, budget);
      const value = convert(doc, p.value, lc, budget);
      if (key.kind === 'scalar' && key.value === '<<' && key.tag === '!!str') {
        const sources = value.kind === 'seq' ? value.items : [value];
        for (const s of sources) if (s.kind === 'map') merged.push(...s.pairs);
      } else explicit.push({ key, value });
    }
    const names = new Set(explicit.map((p) => (p.key.kind === 'scalar' ? p.key.value : '')));
    const inherited = merged.filter((p) => !(p.key.kind === 'scalar' && names.has(p.key.value)));
    return { kind: 'map', pairs: [...inherited, ...explicit], line };
  }
  if (isSeq(n)) return { kind: 'seq', items: n.items.map((i) => convert(doc, i, lc, budget)), line };
  if (isScalar(n)) {
    const raw: unknown = n.value;
    // failsafe schema: every scalar value is a string.
    const value = typeof raw === 'string' ? raw : '';
    const explicitTag = n.tag?.replace('tag:yaml.org,2002:', '!!');
    if (
      explicitTag === '!!str' ||
      explicitTag === '!!int' ||
      explicitTag === '!!bool' ||
      explicitTag === '!!float' ||
      explicitTag === '!!null'
    ) {
      return { kind: 'scalar', tag: explicitTag, value, line };
    }
    const tag = n.type === Scalar.PLAIN ? resolvePlain(value) : '!!str';
    return { kind: 'scalar', tag, value, line };
  }
  return { kind: 'scalar', tag: '!!null', value: '', line };
}

/**
 * Parses one YAML document. An empty document is a null scalar. Syntax errors
 * come back as `yaml: line N: <reason>`, the shape go-yaml uses.
 */
export function parseYamlNode(text: string): Result<YNode, string> {
  const lc = new LineCounter();
  // failsafe: keep every scalar as text; the typing above is go-yaml's, not YAML 1.2's.
  const doc = parseDocument(text, { lineCounter: lc, schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lc.linePos(first.pos[0]).line;
    const reason = (first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '');
    return err(`yaml: line ${line}: ${reason}`);
  }
  try {
    return ok(convert(doc, doc.contents, lc, { left: MAX_ALIAS_EXPANSIONS }));
  } catch (e) {
    if (e instanceof AliasBudget) return err(`yaml: ${e.message}`);
    throw e;
  }
}
