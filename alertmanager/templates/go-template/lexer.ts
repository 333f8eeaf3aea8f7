/**
 * Tokens of Go's text/template, as Prometheus uses it for alert labels and
 * annotations: text, and actions between {{ and }} with `{{-`/`-}}` trimming
 * the white space beside them, and comments {{/* … *\/}}.
 */
export type TokenKind =
  | 'text'
  | 'open'
  | 'close'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'keyword';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly line: number;
  /** White space came right before it: `.a .b` is two operands, `.a.b` one chain. */
  readonly spaced?: boolean;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

export class TemplateSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let trimNextText = false;
  const countLines = (s: string): number => s.split('\n').length - 1;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = open === -1 ? text.slice(pos) : text.slice(pos, open);
    const trimLeft = open !== -1 && text.startsWith('{{- ', open);
    const trimLeftTab = open !== -1 && /^\{\{-[\s]/.test(text.slice(open, open + 4));
    const startLine = line;
    line += countLines(chunk);
    if (trimNextText) chunk = chunk.replace(/^\s+/, '');
    if (trimLeft || trimLeftTab) chunk = chunk.replace(/\s+$/, '');
    if (chunk !== '') tokens.push({ kind: 'text', value: chunk, line: startLine });
    trimNextText = false;
    if (open === -1) break;
    pos = open + 2 + (trimLeft || trimLeftTab ? 2 : 0);
    // Comment: {{/* ... */}} (with optional trim markers).
    const rest = text.slice(pos).replace(/^\s*/, '');
    if (rest.startsWith('/*')) {
      const startComment = text.indexOf('/*', pos);
      const endComment = text.indexOf('*/', startComment + 2);
      if (endComment === -1) throw new TemplateSyntaxError(line, 'unclosed comment');
      line += countLines(text.slice(pos, endComment));
      let after = endComment + 2;
      const m = /^\s*(-?)\}\}/.exec(text.slice(after));
      if (!m) throw new TemplateSyntaxError(line, 'comment ends before closing delimiter');
      if (m[1] === '-') trimNextText = true;
      after += m[0].length;
      pos = after;
      continue;
    }
    tokens.push({ kind: 'open', value: '{{', line });
    const closed = lexAction(text, pos, line, tokens);
    pos = closed.pos;
    line = closed.line;
    trimNextText = closed.trimRight;
  }
  return tokens;
}

function lexAction(text: string, start: number, startLine: number, tokens: Token[]): { pos: number; line: number; trimRight: boolean } {
  let pos = start;
  let line = startLine;
  let spaced = false;
  const push = (kind: TokenKind, value: string): void => {
    tokens.push(spaced ? { kind, value, line, spaced } : { kind, value, line });
    spaced = false;
  };
  while (pos < text.length) {
    const c = text[pos] as string;
    if (c === '\n') {
      line++;
      spaced = true;
      pos++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (text.startsWith('-}}', pos + 1)) {
        push('close', '}}');
        return { pos: pos + 4, line, trimRight: true };
      }
      spaced = true;
      pos++;
      continue;
    }
    if (text.startsWith('}}', pos)) {
      push('close', '}}');
      return { pos: pos + 2, line, trimRight: false };
    }
    if (c === '|') {
      push('pipe', '|');
      pos++;
    } else if (c === '(') {
      push('lparen', '(');
      pos++;
    } else if (c === ')') {
      push('rparen', ')');
      pos++;
    } else if (c === ',') {
      push('comma', ',');
      pos++;
    } else if (text.startsWith(':=', pos)) {
      push('declare', ':=');
      pos += 2;
    } else if (c === '=') {
      push('assign', '=');
      pos++;
    } else if (c === '"') {
      const end = scanQuoted(text, pos, line);
      push('string', JSON.parse(goToJsonString(text.slice(pos, end))) as string);
      pos = end;
    } else if (c === '`') {
      const end = text.indexOf('`', pos + 1);
      if (end === -1) throw new TemplateSyntaxError(line, 'unterminated raw quoted string');
      push('string', text.slice(pos + 1, end));
      line += text.slice(pos, end).split('\n').length - 1;
      pos = end + 1;
    } else if (c === "'") {
      const m = /^'(\\.|[^'\\])'/.exec(text.slice(pos));
      if (!m) throw new TemplateSyntaxError(line, 'unterminated character constant');
      const ch = m[1] === undefined ? '' : m[1].startsWith('\\') ? (JSON.parse(`"${m[1]}"`) as string) : m[1];
      push('number', String(ch.codePointAt(0) ?? 0));
      pos += m[0].length;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(text.slice(pos)) as RegExpExecArray;
      push('variable', m[0]);
      pos += m[0].length;
    } else if (c === '.') {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
      if (m) {
        push('field', m[0].slice(1));
        pos += m[0].length;
      } else if (/^\.\d/.test(text.slice(pos))) {
        const n = /^\.\d+([eE][+-]?\d+)?/.exec(text.slice(pos)) as RegExpExecArray;
        push('number', n[0]);
        pos += n[0].length;
      } else {
        push('dot', '.');
        pos++;
      }
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?)/.exec(text.slice(pos));
      if (!m || m[0] === '' || m[0] === '-' || m[0] === '+') throw new TemplateSyntaxError(line, `bad character ${JSON.stringify(c)}`);
      push('number', m[0]);
      pos += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos)) as RegExpExecArray;
      const word = m[0];
      if (word === 'true' || word === 'false') push('bool', word);
      else if (word === 'nil') push('nil', word);
      else if (KEYWORDS.has(word)) push('keyword', word);
      else push('identifier', word);
      pos += word.length;
    } else {
      throw new TemplateSyntaxError(line, `unexpected ${JSON.stringify(c)} in command`);
    }
  }
  throw new TemplateSyntaxError(startLine, 'unclosed action');
}

function scanQuoted(text: string, start: number, line: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '\n') break;
    else i++;
  }
  throw new TemplateSyntaxError(line, 'unterminated quoted string');
}

/** Go string literal → JSON string literal (Go allows \x, \a, \v, \' that JSON does not). */
function goToJsonString(lit: string): string {
  return lit.replace(/\\(x[0-9a-fA-F]{2}|a|v|'|[0-7]{3}|U[0-9a-fA-F]{8})/g, (_m, e: string) => {
    if (e === 'a') return '\\u0007';
    if (e === 'v') return '\\u000b';
    if (e === "'") return "'";
    if (e.startsWith('x')) return `\\u00${e.slice(1)}`;
    if (e.startsWith('U')) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return `\\u${parseInt(e, 8).toString(16).padStart(4, '0')}`;
  });
}
