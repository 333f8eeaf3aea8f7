/**
 * The config as Alertmanager shows it on /api/v2/status (`config.original`):
 * the loaded config marshalled back to YAML, with defaults filled in and every
 * secret replaced by `<secret>`. Nothing in here can reveal a secret value.
 */
import { stringify } from 'yaml';
import type { Matcher } from '../labels/index.js';
import type { AlertmanagerConfig } from './config.js';
import { formatPromDuration } from './duration.js';
import { isSecret, SECRET_TOKEN } from './secret.js';
import type { InclusiveRange, TimeRange } from './time-interval.js';

const PROM_DURATION_KEYS = new Set([
  'resolve_timeout',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'reopen_duration',
]);
const GO_DURATION_KEYS = new Set(['timeout', 'retry', 'expire', 'ttl']);
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Go's time.Duration.String() for whole milliseconds: `1h0m0s`, `1m30s`, `500ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms) / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Number((rest - m * 60).toFixed(3));
  return sign + (h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`);
}

const isMatcher = (v: unknown): v is Matcher =>
  typeof v === 'object' && v !== null && 'matches' in v && 'type' in v && typeof (v as Matcher).toString === 'function';

function range(key: string, r: InclusiveRange): string {
  const name = (i: number): string =>
    key === 'weekdays' ? (WEEKDAYS[i] ?? String(i)) : key === 'months' ? (MONTHS[i - 1] ?? String(i)) : String(i);
  return r.begin === r.end ? name(r.begin) : `${name(r.begin)}:${name(r.end)}`;
}

const hhmm = (min: number): string =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** A plain JSON-able copy of the config with secrets masked; empty secrets are left out, as Go's omitempty does. */
export function maskedConfig(config: AlertmanagerConfig): unknown {
  const walk = (v: unknown, key: string): unknown => {
    if (isSecret(v)) return v.isEmpty ? undefined : SECRET_TOKEN;
    if (isMatcher(v)) return v.toString();
    if (typeof v === 'number' && PROM_DURATION_KEYS.has(key)) return formatPromDuration(v);
    if (typeof v === 'number' && GO_DURATION_KEYS.has(key)) return formatGoDuration(v);
    if (Array.isArray(v)) {
      if (key === 'times')
        return (v as TimeRange[]).map((t) => ({ start_time: hhmm(t.startMinute), end_time: hhmm(t.endMinute) }));
      if (['weekdays', 'days_of_month', 'months', 'years'].includes(key))
        return (v as InclusiveRange[]).map((r) => range(key, r));
      return v.map((x) => walk(x, key));
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x, k);
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    return v;
  };
  return walk(config, '');
}

/** YAML for /api/v2/status `config.original`; secrets show as `<secret>`. */
export function redactedConfig(config: AlertmanagerConfig): string {
  return stringify(maskedConfig(config), { lineWidth: 0 });
}
