/**
 * A label matcher as Alertmanager models it: a label name, one of four
 * operators and a value. Regex matchers are anchored (`^(?:re)$`) and use RE2
 * semantics (re2js), as Go's regexp package does, so a pattern that loads in
 * Alertmanager loads here and matches the same strings.
 */
import { RE2JS } from 're2js';
import { err, ok, type Result } from '../result.js';

export type MatchType = '=' | '!=' | '=~' | '!~';
export type LabelSet = Readonly<Record<string, string>>;

export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  /** True when the value of label `name` satisfies this matcher ('' when the label is absent). */
  matches(value: string): boolean;
  /** Alertmanager's canonical spelling, e.g. `foo="bar"` or `"a b"=~"x"`. */
  toString(): string;
}

// Characters that cannot appear in an unquoted UTF-8 matcher token; a name
// containing one must be printed quoted (Alertmanager's isReserved heuristic).
export function isReservedChar(ch: string): boolean {
  return /\s/u.test(ch) || '{}!=~,\\"\'`'.includes(ch);
}

/** Go's strconv.Quote for the characters a label name or value can hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

const openMetricsEscape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Compiles `re` anchored at both ends; the error text is Go's (`error parsing regexp: ...`). */
export function compileAnchored(re: string): Result<RE2JS, string> {
  try {
    return ok(RE2JS.compile('^(?:' + re + ')$'));
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

export function newMatcher(type: MatchType, name: string, value: string): Result<Matcher, string> {
  let re: RE2JS | undefined;
  if (type === '=~' || type === '!~') {
    const c = compileAnchored(value);
    if (!c.ok) return c;
    re = c.value;
  }
  const test = (s: string): boolean => {
    switch (type) {
      case '=':
        return s === value;
      case '!=':
        return s !== value;
      case '=~':
        return (re as RE2JS).matches(s);
      case '!~':
        return !(re as RE2JS).matches(s);
      default: {
        const never: never = type;
        throw new Error(`unknown match type ${String(never)}`);
      }
    }
  };
  const text = [...name].some(isReservedChar)
    ? `${goQuote(name)}${type}${goQuote(value)}`
    : `${name}${type}"${openMetricsEscape(value)}"`;
  return ok({ type, name, value, matches: test, toString: () => text });
}

/** All matchers hold for `labels`; a missing label reads as ''. */
export function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  return matchers.every((m) => m.matches(labels[m.name] ?? ''));
}

const TYPE_RANK: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** Alertmanager's sort order for matchers: by name, then value, then operator. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_RANK[a.type] - TYPE_RANK[b.type];
}

/** `{a="b",c=~"d"}` */
export function matchersToString(matchers: readonly Matcher[]): string {
  return '{' + matchers.map((m) => m.toString()).join(',') + '}';
}

/** True when `s` has no lone surrogates, i.e. it is valid UTF-8 once encoded (Go's utf8.ValidString). */
export function isValidUtf8(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
