/** `route:` nodes and `inhibit_rules:` entries, with Alertmanager's own checks. */
import {
  compareMatchers,
  isValidUtf8,
  matchersFromLegacy,
  LABEL_NAME_RE,
  parseMatchers,
  type Matcher,
  type MatcherMode,
} from '../labels/index.js';
import {
  bool,
  ConfigFail,
  isNull,
  list,
  map,
  str,
  stringList,
  stringMap,
  type Decoder,
  type FieldDecoder,
} from './decoder.js';
import { promDuration } from './duration.js';
import type { YNode } from './yaml-node.js';

/** Matcher parsing settings for one load; `warn` receives fallback-parser warnings. */
export interface MatcherContext {
  readonly mode: MatcherMode;
  readonly warn: (msg: string, fields: Readonly<Record<string, string>>) => void;
}

/** The route as written; timers in milliseconds, unset means inherited. */
export interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: Matcher[];
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  continue?: boolean;
  routes?: RouteConfig[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  labels?: Record<string, string>;
}

export interface InhibitRuleConfig {
  name?: string;
  source_match?: Record<string, string>;
  source_match_re?: Record<string, string>;
  source_matchers?: Matcher[];
  target_match?: Record<string, string>;
  target_match_re?: Record<string, string>;
  target_matchers?: Matcher[];
  equal?: string[];
}

/** Label names allowed in group_by/equal: the classic rule, or any non-empty UTF-8 text otherwise. */
export const validLabelName = (mode: MatcherMode, name: string): boolean =>
  mode === 'classic' ? LABEL_NAME_RE.test(name) : name !== '' && isValidUtf8(name);

export function matchersField(ctx: MatcherContext): FieldDecoder<Matcher[]> {
  return (d, n) => {
    const lines = stringList(d, n);
    if (lines === undefined) return undefined;
    const out: Matcher[] = [];
    for (const line of lines) {
      const r = parseMatchers(line, { mode: ctx.mode, warn: ctx.warn, origin: 'config' });
      if (!r.ok) throw new ConfigFail(r.error);
      out.push(...r.value);
    }
    return out.sort(compareMatchers);
  };
}

/** match_re values: anchored regexes; a null value is an error of its own. */
const matchRegexps: FieldDecoder<Record<string, string>> = (d, n) => {
  const m = map<string | null>((dd, v) => (isNull(v) ? null : str(dd, v)), 'config.plain')(d, n);
  if (!m) return undefined;
  // Go compiles every value while decoding, then checks names and nulls.
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined) continue;
    const r = matchersFromLegacy(undefined, { [k]: v });
    if (!r.ok) throw new ConfigFail(r.error);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (!LABEL_NAME_RE.test(k)) throw new ConfigFail(`invalid label name ${JSON.stringify(k)}`);
    if (v === null || v === undefined) throw new ConfigFail(`invalid regexp value for ${JSON.stringify(k)}`);
    out[k] = v;
  }
  return out;
};

function checkMatchNames(m: Record<string, string> | undefined): void {
  for (const k of Object.keys(m ?? {})) {
    if (!LABEL_NAME_RE.test(k)) throw new ConfigFail(`invalid label name ${JSON.stringify(k)}`);
  }
}

export function routeField(ctx: MatcherContext): FieldDecoder<RouteConfig> {
  const spec = {
    receiver: str,
    group_by: stringList,
    match: stringMap,
    match_re: matchRegexps,
    matchers: matchersField(ctx),
    mute_time_intervals: stringList,
    active_time_intervals: stringList,
    continue: bool,
    routes: (d: Decoder, n: YNode) => list(route, '[]*config.Route')(d, n),
    group_wait: promDuration,
    group_interval: promDuration,
    repeat_interval: promDuration,
    labels: stringMap,
  };
  const route: FieldDecoder<RouteConfig> = (d, n) => {
    if (isNull(n)) return undefined;
    let r: RouteConfig = {};
    if (!d.clean(() => (r = d.fields(n, 'config.plain', spec) as RouteConfig))) return r;
    checkMatchNames(r.match);
    const names: string[] = [];
    let all = false;
    for (const l of r.group_by ?? []) {
      if (l === '...') all = true;
      else if (!validLabelName(ctx.mode, l))
        throw new ConfigFail(`invalid label name ${JSON.stringify(l)} in group_by list`);
      else names.push(l);
    }
    if (names.length > 0 && all)
      throw new ConfigFail('cannot have wildcard group_by (`...`) and other labels at the same time');
    const seen = new Set<string>();
    for (const l of names) {
      if (seen.has(l)) throw new ConfigFail(`duplicated label ${JSON.stringify(l)} in group_by`);
      seen.add(l);
    }
    if (r.group_interval === 0) throw new ConfigFail('group_interval cannot be zero');
    if (r.repeat_interval === 0) throw new ConfigFail('repeat_interval cannot be zero');
    if (r.routes) r.routes = r.routes.filter((c) => c !== undefined);
    return r;
  };
  return route;
}

export function inhibitRuleField(ctx: MatcherContext): FieldDecoder<InhibitRuleConfig> {
  const spec = {
    name: str,
    source_match: stringMap,
    source_match_re: matchRegexps,
    source_matchers: matchersField(ctx),
    target_match: stringMap,
    target_match_re: matchRegexps,
    target_matchers: matchersField(ctx),
    equal: stringList,
  };
  return (d, n) => {
    if (isNull(n)) return undefined;
    let r: InhibitRuleConfig = {};
    if (!d.clean(() => (r = d.fields(n, 'config.plain', spec)))) return r;
    checkMatchNames(r.source_match);
    checkMatchNames(r.target_match);
    for (const l of r.equal ?? []) {
      if (!validLabelName(ctx.mode, l)) throw new ConfigFail(`invalid label name ${JSON.stringify(l)} in equal list`);
    }
    return r;
  };
}

/** An inhibit rule's source and target matchers, legacy maps folded in, as Alertmanager's inhibitor builds them. */
export function inhibitRuleMatchers(rule: InhibitRuleConfig): {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
} {
  const fold = (
    m: Record<string, string> | undefined,
    re: Record<string, string> | undefined,
    ms: Matcher[] | undefined,
  ): Matcher[] => {
    const legacy = matchersFromLegacy(m, re);
    // The loader compiled these already; failing here means a bug.
    if (!legacy.ok) throw new Error(`inhibit rule matcher failed after validation: ${legacy.error}`);
    return [...legacy.value, ...(ms ?? [])].sort(compareMatchers);
  };
  return {
    source: fold(rule.source_match, rule.source_match_re, rule.source_matchers),
    target: fold(rule.target_match, rule.target_match_re, rule.target_matchers),
    equal: rule.equal ?? [],
  };
}
