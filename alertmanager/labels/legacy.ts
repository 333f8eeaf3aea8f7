/**
 * The deprecated `match` / `match_re` maps (routes) and `source_match(_re)` /
 * `target_match(_re)` (inhibit rules), turned into matchers the way
 * Alertmanager does: equality for `match`, anchored regex for `match_re`.
 */
import { err, ok, type Result } from '../result.js';
import { compareMatchers, newMatcher, type Matcher } from './matcher.js';

/** The classic Prometheus label-name rule that `match` keys must follow. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function matchersFromLegacy(
  match: Readonly<Record<string, string>> | undefined,
  matchRe: Readonly<Record<string, string>> | undefined,
): Result<Matcher[], string> {
  const out: Matcher[] = [];
  for (const [k, v] of Object.entries(match ?? {})) {
    const m = newMatcher('=', k, v);
    if (!m.ok) return err(m.error);
    out.push(m.value);
  }
  for (const [k, v] of Object.entries(matchRe ?? {})) {
    const m = newMatcher('=~', k, v);
    if (!m.ok) return err(m.error);
    out.push(m.value);
  }
  return ok(out.sort(compareMatchers));
}
