/**
 * RE2 regular expressions, fully anchored as PromQL anchors them
 * (`^(?s:re)$`), compiled once per pattern.
 */
import { RE2JS } from 're2js';
import { err, ok, type Result } from '../result.js';

export type Regex = RE2JS;

const cache = new Map<string, Regex>();

/** Compiles `pattern` for full-string matching with `.` matching newlines too. */
export function compileAnchored(pattern: string): Result<Regex, string> {
  const hit = cache.get(pattern);
  if (hit !== undefined) return ok(hit);
  try {
    const re = RE2JS.compile(`^(?s:${pattern})$`);
    if (cache.size > 1000) cache.clear(); // bounded: patterns come from user queries
    cache.set(pattern, re);
    return ok(re);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

export function fullMatch(re: Regex, s: string): boolean {
  return re.matcher(s).matches();
}
