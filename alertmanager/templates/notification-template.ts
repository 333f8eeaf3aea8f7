/**
 * Alertmanager's template.Template: the default definitions plus the user's
 * `templates:` files, and the data notification fields are rendered with
 * (`.Status`, `.Alerts.Firing`, `.CommonLabels.SortedPairs`, ...). Each
 * config field (subject, title, text) is its own small template that can
 * call any definition.
 */
import { fileURLToPath } from 'node:url';
import type { LabelSet } from '../labels/index.js';
import { err, ok, type Result } from '../result.js';
import { alertmanagerFunctions } from './functions.js';
import {
  execute,
  GoStruct,
  parseTemplate,
  withMethods,
  type FunctionTable,
  type ParsedTemplate,
  type TemplateNode,
} from './go-template/index.js';
import { goTime } from './go-time-value.js';
import type { DataAlert, TemplateData } from './template-data.js';

import { access, glob, readFile } from 'node:fs/promises';

// Beside this module when run from source; a build (tsc copies no .tmpl)
// finds it in the source tree next to dist/.
const DEFAULT_TMPL_CANDIDATES = [
  fileURLToPath(new URL('./default.tmpl', import.meta.url)),
  fileURLToPath(new URL('../../../alertmanager/templates/default.tmpl', import.meta.url)),
];
async function defaultTmpl(): Promise<string> {
  for (const f of DEFAULT_TMPL_CANDIDATES) {
    try {
      await access(f);
      return f;
    } catch {
      // try the next place
    }
  }
  return DEFAULT_TMPL_CANDIDATES[0] as string;
}

function pairs(list: { name: string; value: string }[]): GoStruct[] {
  const out = list.map(({ name, value }) => new GoStruct('template.Pair', { Name: name, Value: value }));
  return withMethods(out, { Names: () => list.map((p) => p.name), Values: () => list.map((p) => p.value) });
}

/** A label or annotation map with template.KV's methods; `alertname` sorts first, as there. */
export function kv(m: LabelSet): Record<string, string> {
  const out: Record<string, string> = { ...m };
  const sorted = (): { name: string; value: string }[] => {
    const keys = Object.keys(m).sort((a, b) =>
      a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0,
    );
    return keys.map((k) => ({ name: k, value: m[k] ?? '' }));
  };
  return withMethods(out, {
    SortedPairs: () => pairs(sorted()),
    Names: () => sorted().map((p) => p.name),
    Values: () => sorted().map((p) => p.value),
    Remove: (names) => {
      const drop = new Set(Array.isArray(names) ? names.map(String) : [String(names)]);
      return kv(Object.fromEntries(Object.entries(m).filter(([k]) => !drop.has(k))));
    },
  });
}

function alertValue(a: DataAlert): GoStruct {
  return new GoStruct('template.Alert', {
    Status: a.status,
    Labels: kv(a.labels),
    Annotations: kv(a.annotations),
    StartsAt: goTime(a.startsAt),
    EndsAt: goTime(a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  });
}

function alertsValue(alerts: readonly DataAlert[]): GoStruct[] {
  const list = alerts.map(alertValue);
  const by = (s: string): GoStruct[] => alertsValue(alerts.filter((a) => a.status === s));
  return withMethods(list, { Firing: () => by('firing'), Resolved: () => by('resolved') });
}

/** template.Data as templates see it. */
export function goData(d: TemplateData, extra: Readonly<Record<string, unknown>> = {}): GoStruct {
  return new GoStruct('template.Data', {
    Receiver: d.receiver,
    Status: d.status,
    Alerts: alertsValue(d.alerts),
    GroupLabels: kv(d.groupLabels),
    CommonLabels: kv(d.commonLabels),
    CommonAnnotations: kv(d.commonAnnotations),
    ExternalURL: d.externalURL,
    ...extra,
  });
}

export class NotificationTemplate {
  private constructor(
    private readonly defines: ReadonlyMap<string, readonly TemplateNode[]>,
    private readonly funcs: FunctionTable<unknown>,
  ) {}

  /** Loads the defaults and every file matching `globs` (absolute); errors name the file. */
  static async load(
    globs: readonly string[],
    now: () => number = Date.now,
  ): Promise<Result<NotificationTemplate, Error>> {
    const funcs = alertmanagerFunctions(now);
    const names = new Set(Object.keys(funcs));
    const defines = new Map<string, readonly TemplateNode[]>();
    const files = [await defaultTmpl()];
    for (const g of globs) for await (const f of glob(g)) files.push(f);
    for (const file of files) {
      try {
        const parsed = parseTemplate(await readFile(file, 'utf8'), names);
        for (const [k, v] of parsed.defines) defines.set(k, v);
      } catch (e) {
        return err(new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
      }
    }
    return ok(new NotificationTemplate(defines, funcs));
  }

  /** Renders one config field (e.g. `{{ template "email.default.subject" . }}`) against `data`. */
  async render(field: string, text: string, data: unknown): Promise<Result<string, Error>> {
    try {
      const own = parseTemplate(text, new Set(Object.keys(this.funcs)));
      const tpl: ParsedTemplate = { root: own.root, defines: new Map([...this.defines, ...own.defines]) };
      return ok(await execute(tpl, field, data, this.funcs, undefined));
    } catch (e) {
      return err(new Error(`template ${field}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    }
  }
}
