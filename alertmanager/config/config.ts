/**
 * The whole Alertmanager configuration: decoding (go-yaml strict rules) and
 * the checks Alertmanager's Config.UnmarshalYAML and Load run afterwards, in
 * the same order, so the first error reported is the one Alertmanager reports.
 */
import type { Matcher, MatcherMode } from '../labels/index.js';
import { err, ok, type Result } from '../result.js';
import { applyGlobals } from './apply-globals.js';
import { anyValue, atLine, ConfigFail, Decoder, isNull, list, stringList } from './decoder.js';
import { defaultGlobalConfig, globalConfig, type GlobalConfig } from './global.js';
import { receiverField, type ReceiverConfig } from './receiver.js';
import {
  inhibitRuleField,
  routeField,
  type InhibitRuleConfig,
  type MatcherContext,
  type RouteConfig,
} from './route.js';
import { namedTimeInterval, type NamedTimeInterval } from './time-interval.js';
import { parseYamlNode } from './yaml-node.js';

export interface AlertmanagerConfig {
  global: GlobalConfig;
  route: RouteConfig;
  inhibit_rules: InhibitRuleConfig[];
  receivers: ReceiverConfig[];
  /** Template globs, as written (see LoadedConfig.templateFiles for resolved paths). */
  templates: string[];
  mute_time_intervals: NamedTimeInterval[];
  time_intervals: NamedTimeInterval[];
  tracing?: unknown;
  event_recorder?: unknown;
}

/** A warning the loader emits without failing (fallback matcher parsing). */
export type ConfigWarnFn = (msg: string, fields: Readonly<Record<string, string>>) => void;

export interface ParseConfigOptions {
  /** Alertmanager's default is 'fallback' (UTF-8 parser, classic as a fallback). */
  readonly matcherMode?: MatcherMode;
  readonly warn?: ConfigWarnFn;
}

/** Why a config was rejected; `message` is Alertmanager's text for the same input. */
export class AlertmanagerConfigError extends Error {
  override readonly name = 'AlertmanagerConfigError';
  /** 1-based line in the YAML the error is about, when known (type errors carry it in the message). */
  readonly line: number | undefined;
  constructor(message: string, options?: ErrorOptions & { line?: number | undefined }) {
    super(message, options);
    this.line = options?.line;
  }
  /** `file:line: message` (or `file: message`), for logs that must say where. */
  located(file: string): string {
    return this.line === undefined ? `${file}: ${this.message}` : `${file}:${this.line}: ${this.message}`;
  }
}

const present = <T>(xs: readonly (T | undefined)[] | undefined): T[] =>
  (xs ?? []).filter((x): x is T => x !== undefined);

function topSpec(ctx: MatcherContext) {
  return {
    global: globalConfig,
    route: routeField(ctx),
    inhibit_rules: list(inhibitRuleField(ctx), '[]config.InhibitRule'),
    receivers: list(receiverField, '[]config.Receiver'),
    templates: stringList,
    mute_time_intervals: list(namedTimeInterval('mute time interval'), '[]config.MuteTimeInterval'),
    time_intervals: list(namedTimeInterval('time interval'), '[]config.TimeInterval'),
    tracing: anyValue,
    event_recorder: anyValue,
  };
}

type LineOf = (o: object | undefined) => number | undefined;

function checkReceivers(r: RouteConfig, names: ReadonlySet<string>, lineOf: LineOf): void {
  for (const c of r.routes ?? []) checkReceivers(c, names, lineOf);
  if (r.receiver && !names.has(r.receiver)) {
    throw new ConfigFail(`undefined receiver ${JSON.stringify(r.receiver)} used in route`, lineOf(r));
  }
}

function checkTimeIntervals(r: RouteConfig, names: ReadonlySet<string>, lineOf: LineOf): void {
  for (const c of r.routes ?? []) checkTimeIntervals(c, names, lineOf);
  for (const t of [...(r.active_time_intervals ?? []), ...(r.mute_time_intervals ?? [])]) {
    if (!names.has(t)) throw new ConfigFail(`undefined time interval ${JSON.stringify(t)} used in route`, lineOf(r));
  }
}

/** Config.UnmarshalYAML's checks after decoding, in Alertmanager's order. */
function validate(raw: Partial<AlertmanagerConfig>, lineOf: LineOf): AlertmanagerConfig {
  const global = raw.global ?? defaultGlobalConfig();
  const receivers = applyGlobals(global, raw.receivers ?? [], lineOf);
  const route = raw.route;
  if (!route) throw new ConfigFail('no routes provided');
  return atLine(lineOf(route) ?? 1, () => validateRest(raw, global, receivers, route, lineOf));
}

function validateRest(
  raw: Partial<AlertmanagerConfig>,
  global: GlobalConfig,
  receivers: ReceiverConfig[],
  route: RouteConfig,
  lineOf: LineOf,
): AlertmanagerConfig {
  if (!route.receiver) throw new ConfigFail('root route must specify a default receiver');
  const hasMatchers = (m: Record<string, string> | Matcher[] | undefined): boolean =>
    m !== undefined && Object.keys(m).length > 0;
  if (hasMatchers(route.match) || hasMatchers(route.match_re) || hasMatchers(route.matchers)) {
    throw new ConfigFail('root route must not have any matchers');
  }
  if ((route.mute_time_intervals ?? []).length > 0)
    throw new ConfigFail('root route must not have any mute time intervals');
  if ((route.active_time_intervals ?? []).length > 0)
    throw new ConfigFail('root route must not have any active time intervals');
  checkReceivers(route, new Set(receivers.map((r) => r.name)), lineOf);
  const tiNames = new Set<string>();
  const mute = present(raw.mute_time_intervals);
  const ti = present(raw.time_intervals);
  for (const t of mute) {
    if (tiNames.has(t.name))
      throw new ConfigFail(`mute time interval ${JSON.stringify(t.name)} is not unique`, lineOf(t));
    tiNames.add(t.name);
  }
  for (const t of ti) {
    if (tiNames.has(t.name)) throw new ConfigFail(`time interval ${JSON.stringify(t.name)} is not unique`, lineOf(t));
    tiNames.add(t.name);
  }
  checkTimeIntervals(route, tiNames, lineOf);
  return {
    global,
    route,
    inhibit_rules: present(raw.inhibit_rules),
    receivers,
    templates: raw.templates ?? [],
    mute_time_intervals: mute,
    time_intervals: ti,
    ...(raw.tracing !== undefined ? { tracing: raw.tracing } : {}),
    ...(raw.event_recorder !== undefined ? { event_recorder: raw.event_recorder } : {}),
  };
}

/**
 * Parses Alertmanager YAML. Errors carry Alertmanager's exact message for
 * the same input (e.g. `undefined receiver "x" used in route`).
 */
export function parseConfig(
  text: string,
  options: ParseConfigOptions = {},
): Result<AlertmanagerConfig, AlertmanagerConfigError> {
  const node = parseYamlNode(text);
  if (!node.ok)
    return err(
      new AlertmanagerConfigError(node.error, {
        line: Number(/^yaml: line (\d+):/.exec(node.error)?.[1]) || undefined,
      }),
    );
  // An empty document never reaches Config.UnmarshalYAML in Go.
  if (isNull(node.value)) return err(new AlertmanagerConfigError('no route provided in config'));
  const ctx: MatcherContext = { mode: options.matcherMode ?? 'fallback', warn: options.warn ?? (() => undefined) };
  const d = new Decoder();
  try {
    let raw: Partial<AlertmanagerConfig> = {};
    const clean = d.clean(
      () => (raw = d.fields(node.value, 'config.plain', topSpec(ctx)) as Partial<AlertmanagerConfig>),
    );
    if (!clean) {
      const line = Number(/^line (\d+):/.exec(d.typeErrors[0] ?? '')?.[1]);
      return err(
        new AlertmanagerConfigError(`yaml: unmarshal errors:\n  ${d.typeErrors.join('\n  ')}`, {
          line: line || undefined,
        }),
      );
    }
    const cfg = validate(raw, (o: object | undefined) => d.lineOf(o));
    if (cfg.route.continue)
      return err(new AlertmanagerConfigError('cannot have continue in root route', { line: d.lineOf(cfg.route) }));
    return ok(cfg);
  } catch (e) {
    if (e instanceof ConfigFail) return err(new AlertmanagerConfigError(e.message, { cause: e, line: e.line }));
    throw e;
  }
}
