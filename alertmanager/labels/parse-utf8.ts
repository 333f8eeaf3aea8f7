/**
 * The UTF-8 matcher parser (Alertmanager ≥ 0.27, `matcher/parse`): names and
 * values are unquoted literals without reserved characters or Go-quoted
 * strings; an optional `{...}` wraps the list; error messages carry columns.
 */
import { err, ok, type Result } from '../result.js';
import { goUnquote } from './go-unquote.js';
import { LexError, Lexer, type Token, type TokenKind } from './lexer.js';
import { newMatcher, type Matcher, type MatchType } from './matcher.js';

const EOF_MSG = 'end of input';

class ParseError extends Error {}

function expectPeek(l: Lexer, kinds: readonly TokenKind[]): Token {
  const t = l.peek();
  if (t.kind === 'eof') throw new ParseError(EOF_MSG);
  if (!kinds.includes(t.kind)) throw new ParseError(`${t.columnStart}:${t.columnEnd}: unexpected ${t.value}`);
  return t;
}

function expect(l: Lexer, kinds: readonly TokenKind[]): Token {
  const t = expectPeek(l, kinds);
  l.scan();
  return t;
}

/** Runs `f`, turning its failure into "<cause>: <what>" as Go's `%w: %w` does. */
function wrap<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParseError || e instanceof LexError) throw new ParseError(`${e.message}: ${what}`);
    throw e;
  }
}

function unquote(t: Token): string {
  if (t.kind !== 'quoted') return t.value;
  const u = goUnquote(t.value);
  if (!u.ok) throw new ParseError(`${t.columnStart}:${t.columnEnd}: ${t.value}: invalid input`);
  return u.value;
}

function parseAll(input: string): Matcher[] {
  const l = new Lexer(input);
  const matchers: Matcher[] = [];
  let hasOpenBrace = false;
  /** The next token (possibly eof) with lexer errors wrapped as Go's expectPeek callers do. */
  const peekFor = (what: string, kinds: readonly TokenKind[]): Token => {
    const t = wrap(() => l.peek(), what);
    if (t.kind !== 'eof' && !kinds.includes(t.kind)) {
      throw new ParseError(`${t.columnStart}:${t.columnEnd}: unexpected ${t.value}: ${what}`);
    }
    return t;
  };

  const closeBrace = (): void => {
    if (hasOpenBrace) {
      let cause: string | undefined;
      try {
        const t = l.peek();
        if (t.kind === 'eof') cause = EOF_MSG;
        else if (t.kind !== '}') cause = `${t.columnStart}:${t.columnEnd}: unexpected ${t.value}`;
        else l.scan();
      } catch (e) {
        if (!(e instanceof LexError)) throw e;
        cause = e.message;
      }
      if (cause !== undefined) throw new ParseError(`0:${l.cursor}: ${cause}: expected close brace`);
    } else {
      let t: Token | undefined;
      try {
        t = l.peek();
      } catch {
        t = undefined;
      }
      if (t?.kind === '}') {
        l.scan();
        throw new ParseError(`0:${l.cursor}: }: expected opening brace`);
      }
    }
    const e = wrap(() => l.scan(), 'expected end of input');
    if (e.kind !== 'eof') throw new ParseError(`${e.columnStart}:${e.columnEnd}: ${e.value}: expected end of input`);
  };

  const first = l.peek(); // a lexer error here is returned as it is
  if (first.kind === 'eof') return matchers;
  if (first.kind === '{') {
    l.scan();
    hasOpenBrace = true;
    const t = l.peek();
    if (t.kind === 'eof' || t.kind === '}') {
      closeBrace();
      return matchers;
    }
  }
  for (;;) {
    const nameTok = wrap(() => expect(l, ['quoted', 'unquoted']), 'expected label name');
    const name = unquote(nameTok);
    const opTok = wrap(
      () => expect(l, ['=', '!=', '=~', '!~']),
      "expected an operator such as '=', '!=', '=~' or '!~'",
    );
    const valueTok = wrap(() => expect(l, ['unquoted', 'quoted']), 'expected label value');
    const value = unquote(valueTok);
    const m = newMatcher(opTok.kind as MatchType, name, value);
    if (!m.ok) throw new ParseError(`failed to create matcher: ${m.error}`);
    matchers.push(m.value);
    const end = peekFor('expected a comma or close brace', [',', '}']);
    if (end.kind !== ',') break;
    wrap(() => expect(l, [',']), 'expected a comma');
    const next = peekFor('expected a matcher or close brace after comma', ['}', 'unquoted', 'quoted']);
    if (next.kind === 'eof' || next.kind === '}') break;
  }
  closeBrace();
  return matchers;
}

export function parseUtf8Matchers(input: string): Result<Matcher[], string> {
  try {
    return ok(parseAll(input));
  } catch (e) {
    if (e instanceof ParseError || e instanceof LexError) return err(e.message);
    throw e;
  }
}

/** Exactly one matcher. */
export function parseUtf8Matcher(input: string): Result<Matcher, string> {
  const r = parseUtf8Matchers(input);
  if (!r.ok) return r;
  if (r.value.length === 0) return err('no matchers');
  if (r.value.length > 1) return err(`expected 1 matcher, found ${r.value.length}`);
  return ok(r.value[0] as Matcher);
}
