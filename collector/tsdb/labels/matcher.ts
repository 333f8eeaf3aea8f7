/**
 * Compiled label matchers with Prometheus semantics: regular expressions are
 * RE2, fully anchored, and `.` matches newlines (Prometheus 3 wraps every
 * pattern as `^(?s:...)$`). A label that is absent has the value "".
 */
import { RE2JS } from 're2js';
import { err, ok, type Result } from '../../result.js';
import { StoreError, type Matcher, type MatchType } from '../interface.js';

export interface CompiledMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly matches: (value: string) => boolean;
  /** Whether a series without the label is selected (Prometheus: "" matches). */
  readonly matchesEmpty: boolean;
}

export class MatcherError extends StoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MatcherError';
  }
}

// Regular expressions recur across queries (dashboards re-run the same ones).
const cache = new Map<string, (v: string) => boolean>();
const CACHE_MAX = 1000;
const META = /[\\.+*?()|[\]{}^$]/;

function compileRegex(pattern: string): Result<(v: string) => boolean, MatcherError> {
  const hit = cache.get(pattern);
  if (hit) return ok(hit);
  let fn: (v: string) => boolean;
  if (!META.test(pattern)) fn = (v) => v === pattern;
  else if (pattern === '.*') fn = () => true;
  else if (pattern === '.+') fn = (v) => v.length > 0;
  else if (/^[\w:-]+(\|[\w:-]+)+$/.test(pattern)) {
    const set = new Set(pattern.split('|')); // a plain alternation of literals, the commonest regex in dashboards
    fn = (v) => set.has(v);
  } else {
    let re: RE2JS;
    try {
      re = RE2JS.compile(`(?s:${pattern})`);
    } catch (e) {
      let reason = e instanceof Error ? e.message : String(e);
      try {
        RE2JS.compile(pattern); // report the error against the user's own pattern
      } catch (inner) {
        if (inner instanceof Error) reason = inner.message;
      }
      return err(new MatcherError(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`, { cause: e }));
    }
    fn = (v) => re.testExact(v);
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(pattern, fn);
  return ok(fn);
}

export function compileMatcher(m: Matcher): Result<CompiledMatcher, MatcherError> {
  let matches: (v: string) => boolean;
  switch (m.type) {
    case '=':
      matches = (v) => v === m.value;
      break;
    case '!=':
      matches = (v) => v !== m.value;
      break;
    case '=~':
    case '!~': {
      const re = compileRegex(m.value);
      if (!re.ok) return re;
      const fn = re.value;
      matches = m.type === '=~' ? fn : (v) => !fn(v);
      break;
    }
    default: {
      const never: never = m.type;
      return err(new MatcherError(`unknown matcher type ${String(never)}`));
    }
  }
  return ok({ type: m.type, name: m.name, value: m.value, matches, matchesEmpty: matches('') });
}

export function compileMatchers(ms: readonly Matcher[]): Result<CompiledMatcher[], MatcherError> {
  const out: CompiledMatcher[] = [];
  for (const m of ms) {
    const c = compileMatcher(m);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return ok(out);
}

/** Matcher constructors, handy in tests and callers. */
export const eq = (name: string, value: string): Matcher => ({ type: '=', name, value });
export const neq = (name: string, value: string): Matcher => ({ type: '!=', name, value });
export const re = (name: string, value: string): Matcher => ({ type: '=~', name, value });
export const nre = (name: string, value: string): Matcher => ({ type: '!~', name, value });
