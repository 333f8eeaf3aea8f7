/**
 * Alertmanager's default "fallback" matcher mode: every input is parsed with
 * both the UTF-8 and the classic parser. The UTF-8 result wins when both
 * agree; when only the classic parser accepts the input, or the two disagree,
 * the classic result is used and a warning is logged, exactly as Alertmanager
 * does during its transition to UTF-8 matchers.
 */
import { ok, type Result } from '../result.js';
import { parseClassicMatcher, parseClassicMatchers } from './parse-classic.js';
import { parseUtf8Matcher, parseUtf8Matchers } from './parse-utf8.js';
import type { Matcher } from './matcher.js';

/** Where parser warnings go; `fields` carries input, origin, err, suggestion. */
export type WarnFn = (msg: string, fields: Readonly<Record<string, string>>) => void;
export type MatcherMode = 'fallback' | 'utf8-strict' | 'classic';

export interface MatcherParseOptions {
  /** Defaults to Alertmanager's default, 'fallback'. */
  readonly mode?: MatcherMode;
  readonly warn?: WarnFn;
  /** Where the input came from, for the warning ('config', 'cli', 'api'). */
  readonly origin?: string;
}

export const INCOMPATIBLE_WARNING =
  'Alertmanager is moving to a new parser for labels and matchers, and this input is incompatible. Alertmanager has instead parsed the input using the classic matchers parser as a fallback. To make this input compatible with the UTF-8 matchers parser please make sure all regular expressions and values are double-quoted. If you are still seeing this message please open an issue.';

const same = (a: readonly Matcher[], b: readonly Matcher[]): boolean =>
  a.length === b.length && a.every((m, i) => m.type === b[i]?.type && m.name === b[i]?.name && m.value === b[i]?.value);

/** Zero or more matchers, e.g. `{foo="bar", baz=~"q.*"}` or `foo=bar`. Errors are Alertmanager's text. */
export function parseMatchers(input: string, options: MatcherParseOptions = {}): Result<Matcher[], string> {
  const mode = options.mode ?? 'fallback';
  if (mode === 'classic') return parseClassicMatchers(input);
  if (mode === 'utf8-strict') return parseUtf8Matchers(input);
  const n = parseUtf8Matchers(input);
  const c = parseClassicMatchers(input);
  const origin = options.origin ?? 'config';
  if (!n.ok) {
    if (!c.ok) return c;
    const suggestion = c.value.map((m) => m.toString()).join(',');
    options.warn?.(INCOMPATIBLE_WARNING, { input, origin, err: n.error, suggestion });
    return c;
  }
  if (c.ok && !same(n.value, c.value)) {
    options.warn?.('Matchers input has disagreement', { input, origin });
    return c;
  }
  return n;
}

/** Exactly one matcher; braces are rejected as Alertmanager does for single matchers. */
export function parseMatcher(input: string, options: MatcherParseOptions = {}): Result<Matcher, string> {
  const mode = options.mode ?? 'fallback';
  if (mode === 'classic') return parseClassicMatcher(input);
  if (input.startsWith('{') || input.endsWith('}'))
    return { ok: false, error: `unexpected open or close brace: ${input}` };
  if (mode === 'utf8-strict') return parseUtf8Matcher(input);
  const n = parseUtf8Matcher(input);
  const c = parseClassicMatcher(input);
  if (!n.ok) {
    if (!c.ok) return c;
    options.warn?.(INCOMPATIBLE_WARNING, {
      input,
      origin: options.origin ?? 'config',
      err: n.error,
      suggestion: c.value.toString(),
    });
    return c;
  }
  if (c.ok && !same([n.value], [c.value])) {
    options.warn?.('Matchers input has disagreement', { input, origin: options.origin ?? 'config' });
    return c;
  }
  return ok(n.value);
}
