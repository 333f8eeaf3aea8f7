/**
 * Parses the series selectors of `match[]` parameters (`up{job="api"}`,
 * `{__name__=~"node_.+"}`, `{"utf8.name", env!="dev"}`) into matchers. Only
 * selectors are allowed there, so a small parser of its own keeps the API
 * independent of the PromQL engine. Errors carry `line:col` like PromQL's.
 */
import { RE2JS } from 're2js';
import { err, ok, type Result } from '../result.js';
import type { Matcher, MatchType } from '../tsdb/interface.js';

const IDENT_START = /[a-zA-Z_:]/;
const IDENT = /[a-zA-Z0-9_:]/;
const OPS: readonly MatchType[] = ['=~', '!~', '!=', '='];

class SelectorError extends Error {}

export function parseSeriesSelector(text: string): Result<Matcher[], string> {
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    throw new SelectorError(`1:${at + 1}: parse error: ${message}`);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
  };
  const ident = (what: string): string => {
    const start = pos;
    if (!IDENT_START.test(text[pos] ?? '')) fail(`expected ${what}, found ${describe(text, pos)}`);
    while (pos < text.length && IDENT.test(text[pos] as string)) pos++;
    return text.slice(start, pos);
  };
  const str = (): string => {
    const quote = text[pos] as string;
    const start = pos++;
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      const c = text[pos++] as string;
      if (c === '\n' && quote !== '`') fail('unterminated quoted string', start);
      if (c !== '\\' || quote === '`') {
        out += c;
        continue;
      }
      const e = text[pos++] ?? '';
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(pos, pos + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`invalid escape sequence \\${e}${hex}`, pos - 2);
        out += String.fromCodePoint(parseInt(hex, 16));
        pos += n;
      } else if (/[0-7]/.test(e)) {
        const oct = text.slice(pos - 1, pos + 2);
        if (!/^[0-7]{3}$/.test(oct)) fail(`invalid escape sequence \\${oct}`, pos - 2);
        out += String.fromCharCode(parseInt(oct, 8));
        pos += 2;
      } else fail(`unknown escape sequence \\${e}`, pos - 2);
    }
    if (pos >= text.length) fail('unterminated quoted string', start);
    pos++;
    return out;
  };
  const isQuote = () => text[pos] === '"' || text[pos] === "'" || text[pos] === '`';

  try {
    const matchers: Matcher[] = [];
    let metricName: string | undefined;
    skipSpace();
    if (pos < text.length && text[pos] !== '{') {
      metricName = ident('metric name or "{"');
      skipSpace();
    }
    if (text[pos] === '{') {
      pos++;
      for (;;) {
        skipSpace();
        if (text[pos] === '}') break;
        const at = pos;
        if (pos >= text.length) fail('unexpected end of input inside braces');
        const name = isQuote() ? str() : ident('label name');
        skipSpace();
        const op = OPS.find((o) => text.startsWith(o, pos));
        if (op === undefined && (text[pos] === ',' || text[pos] === '}') && isQuoteAt(text, at)) {
          // A lone quoted string names the metric (Prometheus 3 UTF-8 syntax).
          if (metricName !== undefined)
            fail(`metric name must not be set twice: ${JSON.stringify(metricName)} or ${JSON.stringify(name)}`, at);
          metricName = name;
        } else {
          if (op === undefined)
            fail(`unexpected ${describe(text, pos)} in label matching, expected label matching operator`);
          pos += (op as string).length;
          skipSpace();
          if (!isQuote()) fail(`unexpected ${describe(text, pos)} in label matching, expected string`);
          const value = str();
          if (op === '=~' || op === '!~') {
            const bad = regexError(value);
            if (bad) fail(bad.startsWith('error parsing regexp') ? bad : `error parsing regexp: ${bad}`, at);
          }
          matchers.push({ type: op as MatchType, name, value });
        }
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (pos >= text.length) fail('unexpected end of input inside braces');
        if (text[pos] !== '}') fail(`unexpected ${describe(text, pos)} in label matching, expected "," or "}"`);
      }
      pos++;
      skipSpace();
    }
    if (pos < text.length) fail(`unexpected ${describe(text, pos)}`);
    if (metricName === undefined && matchers.length === 0 && text.trim() === '') fail('unexpected end of input');
    if (metricName !== undefined) {
      if (matchers.some((m) => m.name === '__name__'))
        fail(`metric name must not be set twice: ${JSON.stringify(metricName)}`, 0);
      matchers.unshift({ type: '=', name: '__name__', value: metricName });
    }
    if (matchers.every(matchesEmpty)) fail('vector selector must contain at least one non-empty matcher', 0);
    return ok(matchers);
  } catch (e) {
    if (e instanceof SelectorError) return err(e.message);
    throw e;
  }
}

function isQuoteAt(text: string, at: number): boolean {
  return text[at] === '"' || text[at] === "'" || text[at] === '`';
}

function describe(text: string, pos: number): string {
  return pos >= text.length ? 'end of input' : JSON.stringify(text[pos]);
}

function regexError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** True when the matcher also selects series that lack the label entirely. */
export function matchesEmpty(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return RE2JS.compile(`^(?s:${m.value})$`).matches('');
    case '!~':
      return !RE2JS.compile(`^(?s:${m.value})$`).matches('');
  }
}
