/**
 * Request parameters the way Prometheus reads them: form values from the
 * URL query and from an `application/x-www-form-urlencoded` POST body (the
 * body wins for single values, both count for repeated ones like `match[]`),
 * times as RFC 3339 or unix seconds, durations as `15s` or float seconds.
 */
import type { IncomingMessage } from 'node:http';
import { parseDuration as parsePromDuration } from '../config/duration.js';
import { err, ok, type Result } from '../result.js';
import { invalidParam, type ApiError } from './api-error.js';

/** The widest range a querier is asked for when no start/end is given. */
export const MIN_TIME_MS = Number.MIN_SAFE_INTEGER;
export const MAX_TIME_MS = Number.MAX_SAFE_INTEGER;
// Prometheus clients (Grafana, promtool) send Prometheus' own min/max times as text.
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

export interface FormValues {
  get(name: string): string | undefined;
  getAll(name: string): string[];
}

/** Collects form values; express may or may not have parsed the body already (the collector's plain shell has none). */
export function formValues(req: Pick<IncomingMessage, 'url'> & { readonly body?: unknown }): FormValues {
  const url = req.url ?? '';
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const body = new URLSearchParams();
  const raw: unknown = req.body;
  if (typeof raw === 'string') for (const [k, v] of new URLSearchParams(raw)) body.append(k, v);
  else if (raw !== null && typeof raw === 'object' && !Buffer.isBuffer(raw)) {
    const fields = raw as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      // An app-wide `express.urlencoded({ extended: true })` turns `match[]=a` into `{ match: ['a'] }`.
      const key = Array.isArray(v) && !k.endsWith('[]') && !(`${k}[]` in fields) ? `${k}[]` : k;
      for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string') body.append(key, item);
    }
  }
  return {
    get: (name) => body.get(name) ?? query.get(name) ?? undefined,
    getAll: (name) => [...body.getAll(name), ...query.getAll(name)],
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** ms since epoch from unix seconds (ms precision, as Prometheus rounds) or RFC 3339. */
export function parseTime(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (trimmed !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const f = Number(trimmed);
    if (Number.isFinite(f)) {
      const whole = Math.trunc(f);
      return ok(whole * 1000 + Math.round((f - whole) * 1000));
    }
  }
  if (text === MIN_TIME_TEXT) return ok(MIN_TIME_MS);
  if (text === MAX_TIME_TEXT) return ok(MAX_TIME_MS);
  const m = RFC3339.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-9) : 0;
    let offsetMin = 0;
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    }
    const date = new Date(base);
    // Date.UTC rolls 31 Feb over to March; RFC 3339 (and Go) refuse it.
    if (!Number.isNaN(base) && date.getUTCDate() === Number(d) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 61) {
      return ok(base + ms - offsetMin * 60_000);
    }
  }
  return err(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** ms from float seconds (`"15.5"`) or a Prometheus duration (`"1m30s"`). */
export function parseDurationParam(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (trimmed !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|inf|NaN)$/.test(trimmed)) {
    const f = Number(trimmed.replace(/inf/i, 'Infinity'));
    const ms = f * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms) > 9.223372036854776e15) {
      return err(`cannot parse ${JSON.stringify(text)} to a valid duration. It overflows int64`);
    }
    return ok(Math.round(ms));
  }
  const d = parsePromDuration(text);
  if (d !== undefined) return ok(d);
  return err(`cannot parse ${JSON.stringify(text)} to a valid duration`);
}

/** A time parameter, or `fallback` when absent; errors worded as Prometheus words them. */
export function timeParam(form: FormValues, name: string, fallback: number): Result<number, ApiError> {
  const v = form.get(name);
  if (v === undefined || v === '') return ok(fallback);
  const t = parseTime(v);
  return t.ok ? t : err(invalidParam(name, `Invalid time value for '${name}': ${t.error}`));
}

/** `limit`: absent or 0 means no limit. */
export function limitParam(form: FormValues, name = 'limit'): Result<number, ApiError> {
  const v = form.get(name);
  if (v === undefined || v === '') return ok(0);
  if (!/^[+-]?\d+$/.test(v))
    return err(invalidParam(name, `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`));
  const n = Number(v);
  if (n < 0) return err(invalidParam(name, 'limit must be non-negative'));
  return ok(n);
}
