/**
 * YAML parsing that remembers where each value came from, so that a schema
 * error can name `file:line` and the key path.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { err, ok, type Result } from '../result.js';

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** The 1-based line of the value at `path`, or of its nearest existing parent. */
  readonly lineOf: (path: readonly PropertyKey[]) => number;
}

export function parseYaml(file: string, text: string): Result<YamlSource, ConfigError> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line;
    const reason = first.message.split('\n')[0] ?? first.message;
    return err(new ConfigError(`${file}:${line}: ${reason}`));
  }
  const lineOf = (path: readonly PropertyKey[]): number => {
    let node: unknown = doc.contents;
    let line = node && typeof node === 'object' && 'range' in node ? startLine(node as Node) : 1;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(key));
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) line = startLine(keyNode);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(key)] as Node | undefined;
        if (!item) break;
        if (item.range) line = startLine(item);
        node = item;
      } else break;
    }
    return line;
  };
  const startLine = (n: Node): number => (n.range ? lineCounter.linePos(n.range[0]).line : 1);
  return ok({ file, data: doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf });
}
