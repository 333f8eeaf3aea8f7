/**
 * The classic matcher parser (Alertmanager ≤ 0.26, `matcher/oldparse`): label
 * names follow the Prometheus rule, values may or may not be double-quoted and
 * use OpenMetrics escaping (`\"`, `\n`, `\\`), and stray backslashes are kept.
 */
import { err, ok, type Result } from '../result.js';
import { isValidUtf8, newMatcher, type Matcher, type MatchType } from './matcher.js';

// Go's \s is [\t\n\f\r ]; `=~` must come before `=` so the `~` is not left over.
const WS = '[\\t\\n\\f\\r ]';
const CLASSIC = new RegExp(`^${WS}*([a-zA-Z_:][a-zA-Z0-9_:]*)${WS}*(=~|=|!=|!~)${WS}*([\\s\\S]*?)${WS}*$`);

export function parseClassicMatcher(s: string): Result<Matcher, string> {
  const ms = CLASSIC.exec(s);
  if (!ms) return err(`bad matcher format: ${s}`);
  const [, name = '', op = '=', raw3 = ''] = ms;
  let raw = raw3;
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  if (!isValidUtf8(raw)) return err(`matcher value not valid UTF-8: ${raw3}`);
  const chars = [...raw];
  let value = '';
  let escaped = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (escaped) {
      escaped = false;
      if (ch === 'n') value += '\n';
      else if (ch === '"' || ch === '\\') value += ch;
      else value += '\\' + ch; // a spurious escape keeps its backslash
      continue;
    }
    if (ch === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < chars.length - 1)
        return err(`matcher value contains unescaped double quote: ${raw3}`);
      expectTrailingQuote = false;
    } else value += ch;
  }
  if (expectTrailingQuote) return err(`matcher value contains unescaped double quote: ${raw3}`);
  return newMatcher(op as MatchType, name, value);
}

/**
 * Comma-separated matchers with optional surrounding braces; commas inside
 * double quotes do not split, and a trailing comma is tolerated.
 */
export function parseClassicMatchers(input: string): Result<Matcher[], string> {
  let s = input.startsWith('{') ? input.slice(1) : input;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const ch of s) {
    if (ch === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (ch === '\\') escaped = !escaped;
    else if (ch !== ',') escaped = false;
    token += ch;
  }
  const last = token.replace(/^\s+|\s+$/gu, '');
  if (last !== '') tokens.push(last);
  const out: Matcher[] = [];
  for (const t of tokens) {
    const m = parseClassicMatcher(t);
    if (!m.ok) return m;
    out.push(m.value);
  }
  return ok(out);
}
