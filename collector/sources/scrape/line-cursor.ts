/**
 * A cursor over one line of an exposition, shared by both parsers. It knows
 * the lexical pieces (names, quoted strings, blanks) and nothing about families
 * or types. Every read either advances or returns undefined with `failure` set,
 * so a parser can report the first problem with its column.
 */
import { ParseError, describeFound } from './exposition-types.js';

// Character classes by char code: these run for every byte of every name.
const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; // a-z A-Z _
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const COLON = 58;
const labelStart = isAlpha;
const labelChar = (c: number): boolean => isAlpha(c) || isDigit(c);
const metricStart = (c: number): boolean => isAlpha(c) || c === COLON;
const metricChar = (c: number): boolean => labelChar(c) || c === COLON;

/** Which escapes a quoted string accepts; anything else after `\` is an error or kept literally. */
export type EscapeRule = 'strict' | 'keep-unknown';

export class LineCursor {
  pos = 0;

  constructor(
    readonly line: string,
    readonly lineNo: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.line.length;
  }

  peek(): string {
    return this.line[this.pos] ?? '';
  }

  /** The rest of the line from the cursor, for error messages. */
  rest(): string {
    return this.line.slice(this.pos);
  }

  error(detail: string, at = this.pos): ParseError {
    return new ParseError(this.lineNo, detail, at + 1);
  }

  expected(what: string): ParseError {
    return this.error(`expected ${what}, got ${describeFound(this.peek())}`);
  }

  skipBlanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  /** Reads up to the next blank, tab or end of line. */
  readToken(): string {
    const start = this.pos;
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.pos++;
    return this.line.slice(start, this.pos);
  }

  /** An unquoted metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), or '' when none starts here. */
  readBareMetricName(): string {
    return this.readBare(metricStart, metricChar);
  }

  /** An unquoted label name (`[a-zA-Z_][a-zA-Z0-9_]*`), or '' when none starts here. */
  readBareLabelName(): string {
    return this.readBare(labelStart, labelChar);
  }

  private readBare(start: (c: number) => boolean, rest: (c: number) => boolean): string {
    const from = this.pos;
    const line = this.line;
    if (this.pos >= line.length || !start(line.charCodeAt(this.pos))) return '';
    this.pos++;
    while (this.pos < line.length && rest(line.charCodeAt(this.pos))) this.pos++;
    return line.slice(from, this.pos);
  }

  /**
   * A double-quoted string starting at the cursor (which must be on `"`), with
   * `\\`, `\"` and `\n` unescaped. Under 'strict' other escapes are errors (the
   * text format); under 'keep-unknown' they stay as written (OpenMetrics).
   */
  readQuoted(rule: EscapeRule, what: string): string | ParseError {
    const open = this.pos;
    this.pos++;
    let out = '';
    let from = this.pos;
    while (!this.done) {
      const c = this.line[this.pos];
      if (c === '"') {
        out += this.line.slice(from, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.line.slice(from, this.pos);
        const next = this.line[this.pos + 1];
        if (next === '\\' || next === '"') out += next;
        else if (next === 'n') out += '\n';
        else if (rule === 'keep-unknown' && next !== undefined) out += '\\' + next;
        else return this.error(`invalid escape sequence ${describeFound('\\' + (next ?? ''))} in ${what}`);
        this.pos += 2;
        from = this.pos;
        continue;
      }
      this.pos++;
    }
    return this.error(`unterminated ${what} (a new-line must be written as \\n)`, open);
  }
}
