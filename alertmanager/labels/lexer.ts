/**
 * Tokens of the UTF-8 matcher syntax (Alertmanager ≥ 0.27, `matcher/parse`).
 * Positions count code points ("columns"), which is what Alertmanager's error
 * messages print, e.g. `3:4: unexpected end of input, expected one of '=~'`.
 */
import { isReservedChar } from './matcher.js';

export type TokenKind = 'eof' | '{' | '}' | ',' | '=' | '!=' | '=~' | '!~' | 'quoted' | 'unquoted';
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly columnStart: number;
  readonly columnEnd: number;
}

/** A lexer error; its message is final. */
export class LexError extends Error {}

const isSpace = (ch: string): boolean => /\s/u.test(ch);

export class Lexer {
  private readonly chars: string[];
  private start = 0;
  private pos = 0;
  private error: LexError | undefined;

  /** Code points consumed so far (Go's `l.cols` after a peek). */
  get cursor(): number {
    return this.pos;
  }

  constructor(input: string) {
    this.chars = [...input];
  }

  private text(from: number, to: number): string {
    return this.chars.slice(from, to).join('');
  }

  private emit(kind: TokenKind): Token {
    const t = { kind, value: this.text(this.start, this.pos), columnStart: this.start, columnEnd: this.pos };
    this.start = this.pos;
    return t;
  }

  private expected(expected: string): LexError {
    if (this.pos >= this.chars.length) {
      return new LexError(`${this.start}:${this.pos}: unexpected end of input, expected one of '${expected}'`);
    }
    return new LexError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: expected one of '${expected}'`);
  }

  /** Next token; throws LexError (and keeps throwing it) on invalid input. */
  scan(): Token {
    if (this.error) throw this.error;
    try {
      return this.scanInner();
    } catch (e) {
      if (e instanceof LexError) this.error = e;
      throw e;
    }
  }

  /** The token scan() would return, without consuming it. */
  peek(): Token {
    const { start, pos } = this;
    try {
      return this.scan();
    } finally {
      this.start = start;
      this.pos = pos;
    }
  }

  private scanInner(): Token {
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos] as string;
      if (ch === '{' || ch === '}' || ch === ',') {
        this.pos++;
        return this.emit(ch);
      }
      if (ch === '=' || ch === '!') return this.scanOperator();
      if (ch === '"') return this.scanQuoted();
      if (!isReservedChar(ch)) return this.scanUnquoted();
      if (isSpace(ch)) {
        this.pos++;
        this.start = this.pos;
        continue;
      }
      this.pos++;
      throw new LexError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: invalid input`);
    }
    return { kind: 'eof', value: '', columnStart: this.start, columnEnd: this.pos };
  }

  private accept(ch: string): boolean {
    if (this.chars[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private scanOperator(): Token {
    if (this.accept('!')) {
      if (this.accept('=')) return this.emit('!=');
      if (this.accept('~')) return this.emit('!~');
      throw this.expected('=~');
    }
    this.accept('=');
    return this.emit(this.accept('~') ? '=~' : '=');
  }

  private scanQuoted(): Token {
    this.pos++; // opening quote
    let escaped = false;
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos] as string;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') break;
      this.pos++;
    }
    if (!this.accept('"')) {
      throw new LexError(`${this.start}:${this.pos}: ${this.text(this.start, this.pos)}: missing end "`);
    }
    return this.emit('quoted');
  }

  private scanUnquoted(): Token {
    while (this.pos < this.chars.length && !isReservedChar(this.chars[this.pos] as string)) this.pos++;
    return this.emit('unquoted');
  }
}
