/**
 * The functions Alertmanager adds to Go's template built-ins (template.go
 * DefaultFuncs), with the same argument order: piped values come last, so
 * `{{ .Values | join " " }}` calls join(" ", values).
 */
import { RE2JS } from 're2js';
import { arity, GO_BUILTINS, str, TemplateExecError, type FunctionTable } from './go-template/index.js';
import { formatGoTime, goDurationValue, goTime, isGoTime, type GoDuration } from './go-time-value.js';

function toMs(v: unknown, fn: string): number {
  if (isGoTime(v)) return v.ms;
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'bigint') return Number(v) * 1000;
  throw new TemplateExecError(`error calling ${fn}: expected a time, got ${str(v)}`);
}

const isDuration = (v: unknown): v is GoDuration =>
  v !== null && typeof v === 'object' && typeof (v as GoDuration).durationMs === 'number';

/** Prometheus' humanizeDuration: `1d 2h 3m 4s`, `1.5s`, `250ms`. Takes seconds or a duration. */
export function humanizeDuration(v: unknown): string {
  let s = isDuration(v)
    ? v.durationMs / 1000
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'string'
        ? Number(v)
        : (v as number);
  if (typeof s !== 'number' || Number.isNaN(s))
    throw new TemplateExecError(`error calling humanizeDuration: not a number: ${str(v)}`);
  if (s === 0) return '0s';
  const g4 = (x: number): string => String(Number(x.toPrecision(4)));
  if (Math.abs(s) >= 1) {
    const sign = s < 0 ? '-' : '';
    s = Math.abs(s);
    const total = Math.trunc(s);
    const secs = total % 60;
    const mins = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days) return `${sign}${days}d ${hours}h ${mins}m ${secs}s`;
    if (hours) return `${sign}${hours}h ${mins}m ${secs}s`;
    if (mins) return `${sign}${mins}m ${secs}s`;
    return `${sign}${g4(s)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(s) >= 1) break;
    prefix = p;
    s *= 1000;
  }
  return `${g4(s)}${prefix}s`;
}

const title = (s: string): string =>
  s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());

/** Builds the table; `now` is the clock, for since(). */
export function alertmanagerFunctions(now: () => number): FunctionTable<unknown> {
  return {
    ...GO_BUILTINS,
    toUpper: (a) => (arity('toUpper', a, 1), str(a[0]).toUpperCase()),
    toLower: (a) => (arity('toLower', a, 1), str(a[0]).toLowerCase()),
    title: (a) => (arity('title', a, 1), title(str(a[0]))),
    trimSpace: (a) => (arity('trimSpace', a, 1), str(a[0]).trim()),
    join: (a) => {
      arity('join', a, 2);
      if (!Array.isArray(a[1]))
        throw new TemplateExecError(`error calling join: expected a list of strings, got ${str(a[1])}`);
      return a[1].map(str).join(str(a[0]));
    },
    match: (a) => (arity('match', a, 2), RE2JS.compile(str(a[0])).matcher(str(a[1])).find()),
    reReplaceAll: (a) => {
      arity('reReplaceAll', a, 3);
      return RE2JS.compile(str(a[0])).matcher(str(a[2])).replaceAll(str(a[1]));
    },
    safeHtml: (a) => (arity('safeHtml', a, 1), str(a[0])),
    stringSlice: (a) => a.map(str),
    date: (a) => {
      arity('date', a, 2);
      const t = a[1];
      return formatGoTime(isGoTime(t) ? t : goTime(toMs(t, 'date')), str(a[0]));
    },
    tz: (a) => {
      arity('tz', a, 2);
      const zone = str(a[0]);
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw new TemplateExecError(`error calling tz: unknown time zone ${zone}`);
      }
      return goTime(toMs(a[1], 'tz'), zone);
    },
    since: (a) => (arity('since', a, 1), goDurationValue(now() - toMs(a[0], 'since'))),
    humanizeDuration: (a) => (arity('humanizeDuration', a, 1), humanizeDuration(a[0])),
  };
}
