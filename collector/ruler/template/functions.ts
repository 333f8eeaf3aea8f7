/**
 * The functions templates can call: Go's text/template built-ins and
 * Prometheus' additions (template/template.go), with their semantics.
 */
import { RE2JS } from 're2js';
import { parseDuration } from '../../config/duration.js';
import { arity, formatG, GO_BUILTINS, str, GoStruct, TemplateExecError, toFloat, type FunctionTable } from '../../../alertmanager/templates/go-template/index.js';

/** A sample as `query` returns it: `.Labels` and `.Value`. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface TemplateContext {
  /** Runs a PromQL instant query at the evaluation time. */
  readonly query?: (expr: string) => Promise<readonly QuerySample[]>;
  readonly externalUrl?: string;
  /** Evaluation time, ms. */
  readonly now?: number;
}


const sample = (s: QuerySample): GoStruct => new GoStruct('*template.sample', { Labels: { ...s.labels }, Value: s.value });

const SI = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
const IEC = ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
const g4 = (v: number): string => formatG(v, 4);

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of SI) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of SI_SMALL) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${g4(v)}${prefix}`;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of IEC) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return `${g4(v)}${prefix}`;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const d = Math.trunc(abs);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(abs)}s`;
  }
  let prefix = '';
  for (const p of SI_SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** time.Time.String() in UTC, as humanizeTimestamp prints it. */
export function goTimeString(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'invalid time';
  const iso = d.toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? '.' + frac : ''} +0000 UTC`;
}

function goRegex(pattern: unknown): RE2JS {
  try {
    return RE2JS.compile(String(pattern));
  } catch (e) {
    throw new TemplateExecError(`error parsing regexp: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** regexp.ReplaceAllString: `$1`, `${1}`, `$name`, `${name}`, `$$` as Go expands them. */
export function reReplaceAll(pattern: unknown, repl: unknown, text: unknown): string {
  const re = goRegex(pattern);
  const src = String(text);
  const m = re.matcher(src);
  let out = '';
  let last = 0;
  while (m.find()) {
    out += src.slice(last, m.start());
    out += String(repl).replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, _x: string, braced?: string, bare?: string) => {
      if (_x === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return Number(name) <= m.groupCount() ? (m.group(Number(name)) ?? '') : '';
      try {
        return m.group(name) ?? '';
      } catch {
        return '';
      }
    });
    last = m.end();
    if (m.end() === m.start()) {
      if (last < src.length) out += src[last];
      last++;
      if (last > src.length) break;
    }
  }
  return out + src.slice(Math.min(last, src.length));
}

export const FUNCTIONS: FunctionTable<TemplateContext> = {
  ...GO_BUILTINS,
  // Prometheus' additions.
  query: async (a, ctx) => {
    arity('query', a, 1);
    if (!ctx.query) throw new TemplateExecError('error calling query: no query engine here');
    return (await ctx.query(String(a[0]))).map(sample);
  },
  first: (a) => {
    const v = a[0];
    if (Array.isArray(v) && v.length > 0) return (v as unknown[])[0];
    throw new TemplateExecError('error calling first: first() called on vector with no elements');
  },
  label: (a) => {
    const s = a[1];
    return s instanceof GoStruct ? ((s.fields.Labels as Record<string, string>)[String(a[0])] ?? '') : '';
  },
  value: (a) => (a[0] instanceof GoStruct ? a[0].fields.Value : 0),
  strvalue: (a) => (a[0] instanceof GoStruct ? ((a[0].fields.Labels as Record<string, string>).__value__ ?? '') : ''),
  args: (a) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])),
  reReplaceAll: (a) => (arity('reReplaceAll', a, 3), reReplaceAll(a[0], a[1], a[2])),
  safeHtml: (a) => str(a[0]),
  match: (a) => (arity('match', a, 2), goRegex(a[0]).matcher(String(a[1])).find()),
  title: (a) => str(a[0]).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, ch: string) => pre + ch.toUpperCase()),
  toUpper: (a) => str(a[0]).toUpperCase(),
  toLower: (a) => str(a[0]).toLowerCase(),
  graphLink: (a, ctx) => `${ctx.externalUrl ?? ''}/graph?g0.expr=${encodeURIComponent(str(a[0]))}&g0.tab=0`,
  tableLink: (a, ctx) => `${ctx.externalUrl ?? ''}/graph?g0.expr=${encodeURIComponent(str(a[0]))}&g0.tab=1`,
  sortByLabel: (a) => {
    const label = String(a[0]);
    const list = Array.isArray(a[1]) ? [...(a[1] as GoStruct[])] : [];
    return list.sort((x, y) => {
      const lx = (x.fields.Labels as Record<string, string>)[label] ?? '';
      const ly = (y.fields.Labels as Record<string, string>)[label] ?? '';
      return lx < ly ? -1 : lx > ly ? 1 : 0;
    });
  },
  humanize: (a) => humanize(toFloat(a[0])),
  humanize1024: (a) => humanize1024(toFloat(a[0])),
  humanizeDuration: (a) => humanizeDuration(toFloat(a[0])),
  humanizePercentage: (a) => `${g4(toFloat(a[0]) * 100)}%`,
  humanizeTimestamp: (a) => {
    const v = toFloat(a[0]);
    return Number.isFinite(v) ? goTimeString(v * 1000) : g4(v);
  },
  toTime: (a) => goTimeString(toFloat(a[0]) * 1000),
  toDuration: (a) => `${toFloat(a[0])}s`,
  parseDuration: (a) => {
    const ms = parseDuration(String(a[0]));
    if (ms === undefined) throw new TemplateExecError(`error calling parseDuration: not a valid duration string: ${JSON.stringify(a[0])}`);
    return ms / 1000;
  },
  pathPrefix: (_a, ctx) => (ctx.externalUrl ? new URL(ctx.externalUrl).pathname.replace(/\/$/, '') : ''),
  externalURL: (_a, ctx) => ctx.externalUrl ?? '',
  stripPort: (a) => {
    const s = str(a[0]);
    const m = /^\[(.*)\]:\d+$/.exec(s) ?? /^([^:]*):\d+$/.exec(s);
    return m ? (m[1] ?? s) : s;
  },
  stripDomain: (a) => {
    const s = str(a[0]);
    const m = /^(.*?)(:\d+)?$/.exec(s) as RegExpExecArray;
    const host = m[1] ?? s;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return s;
    return (host.split('.')[0] ?? host) + (m[2] ?? '');
  },
  now: (_a, ctx) => (ctx.now ?? Date.now()) / 1000,
};

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));
