/**
 * Parse errors carry `line:column` of the offending place, as Prometheus
 * prints them: `1:18: parse error: unexpected "}" in label matching`.
 */
import { QueryError } from '../interface.js';
import type { PosRange } from './ast.js';

/** Thrown inside the tree builder only; parseExpr turns it into a Result. */
export class ParseFail extends Error {
  constructor(
    readonly pos: PosRange,
    message: string,
  ) {
    super(message);
  }
}

/** 1-based line and column of a byte offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

export function toQueryError(text: string, fail: ParseFail): QueryError {
  const { line, col } = lineCol(text, fail.pos.start);
  return new QueryError('bad_data', `${line}:${col}: parse error: ${fail.message}`);
}

/** Describes the token that starts at `offset`, for "unexpected …" messages. */
export function describeToken(text: string, offset: number): string {
  const rest = text.slice(offset).trimStart();
  if (rest.length === 0) return 'end of input';
  const c = rest[0] ?? '';
  const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
  if (ident) return `identifier "${ident[0]}"`;
  const num = /^(0x[0-9a-fA-F]+|[0-9][0-9_.eE+-]*|\.[0-9]+)/.exec(rest);
  if (num) return `number "${num[0]}"`;
  if (c === '"' || c === "'" || c === '`') {
    const end = rest.indexOf(c, 1);
    return end < 0 ? 'unterminated quoted string' : `string ${rest.slice(0, end + 1)}`;
  }
  const op = /^(==|!=|>=|<=|=~|!~|[-+*/%^<>=,(){}[\]@:])/.exec(rest);
  if (op) return `"${op[0]}"`;
  return `character "${c}"`;
}
