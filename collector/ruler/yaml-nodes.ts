/**
 * Walks a YAML document the way go-yaml's strict decoder sees it, so that
 * rule-file errors read like Prometheus' (`line 7: field annotation not found
 * in type rulefmt.RuleNode`) and every value keeps its line.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { err, ok, type Result } from '../result.js';

export interface YamlTree {
  readonly doc: Document;
  readonly root: Node | null;
  lineOf(node: unknown): number;
  resolve(node: unknown): unknown;
}

export function parseYamlTree(text: string): Result<YamlTree, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    return err(`yaml: line ${line}: ${first.message.split('\n')[0] ?? first.message}`);
  }
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  const lineOf = (node: unknown): number => {
    const n = resolve(node) as Node | undefined;
    return n && 'range' in n && n.range ? lineCounter.linePos(n.range[0]).line : 0;
  };
  return ok({ doc, root: doc.contents, lineOf, resolve });
}

/** A mapping's entries with merge keys (`<<: *anchor`) expanded, later keys winning as go-yaml does. */
export function mapEntries(tree: YamlTree, node: unknown): { key: string; keyNode: unknown; value: unknown }[] | undefined {
  const n = tree.resolve(node);
  if (!isMap(n)) return undefined;
  const out = new Map<string, { key: string; keyNode: unknown; value: unknown }>();
  for (const pair of n.items) {
    const keyNode = pair.key;
    // With merge keys on, the yaml package gives `<<` a symbol value.
    const key = isScalar(keyNode) ? (typeof keyNode.value === 'symbol' ? '<<' : String(keyNode.value)) : String(keyNode);
    if (key === '<<') {
      const sources = isSeq(tree.resolve(pair.value)) ? (tree.resolve(pair.value) as { items: unknown[] }).items : [pair.value];
      for (const src of sources) {
        for (const e of mapEntries(tree, src) ?? []) if (!out.has(e.key)) out.set(e.key, e);
      }
      continue;
    }
    out.set(key, { key, keyNode, value: pair.value });
  }
  return [...out.values()];
}

export function seqItems(tree: YamlTree, node: unknown): unknown[] | undefined {
  const n = tree.resolve(node);
  return isSeq(n) ? n.items : undefined;
}

/** A scalar as go-yaml would decode it into a string field; undefined for maps and sequences. */
export function scalarString(tree: YamlTree, node: unknown): string | undefined {
  const n = tree.resolve(node);
  if (n === null || n === undefined) return '';
  if (!isScalar(n)) return undefined;
  if (n.value === null) return '';
  return typeof n.value === 'string' ? n.value : (n.source ?? JSON.stringify(n.value));
}

export function isNullNode(tree: YamlTree, node: unknown): boolean {
  const n = tree.resolve(node);
  return n === null || n === undefined || (isScalar(n) && n.value === null);
}
