/**
 * Whether an instant falls inside a `time_intervals` entry, as Alertmanager's
 * timeinterval.ContainsTime decides it: every listed field must match, times
 * are [start, end) minutes of the day, negative days of month count from the
 * month's end, and all of it is read in the interval's time zone (UTC unless
 * `location` says otherwise).
 */
import type { NamedTimeInterval, TimeIntervalSpec } from '../config/index.js';

interface LocalTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly weekday: number; // 0 = Sunday
  readonly minuteOfDay: number;
  readonly daysInMonth: number;
}

const WEEKDAY: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(location: string | undefined): Intl.DateTimeFormat {
  const zone =
    location === undefined || location === '' || location === 'UTC'
      ? 'UTC'
      : location === 'Local'
        ? undefined
        : location;
  const key = zone ?? 'Local';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(key, f);
  }
  return f;
}

function localTime(ms: number, location: string | undefined): LocalTime {
  const parts = Object.fromEntries(
    formatterFor(location)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: WEEKDAY[parts.weekday ?? ''] ?? 0,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const clamp = (n: number, min: number, max: number): number => Math.min(Math.max(n, min), max);

/** `atMs` (ms since epoch) lies inside `spec`. */
export function intervalContains(spec: TimeIntervalSpec, atMs: number): boolean {
  const t = localTime(atMs, spec.location);
  if (spec.times && !spec.times.some((r) => t.minuteOfDay >= r.startMinute && t.minuteOfDay < r.endMinute))
    return false;
  if (spec.days_of_month) {
    const hit = spec.days_of_month.some((r) => {
      let begin = r.begin < 0 ? t.daysInMonth + r.begin + 1 : r.begin;
      let end = r.end < 0 ? t.daysInMonth + r.end + 1 : r.end;
      if (begin > t.daysInMonth) return false;
      begin = clamp(begin, -t.daysInMonth, t.daysInMonth);
      end = clamp(end, -t.daysInMonth, t.daysInMonth);
      return t.day >= begin && t.day <= end;
    });
    if (!hit) return false;
  }
  if (spec.months && !spec.months.some((r) => t.month >= r.begin && t.month <= r.end)) return false;
  if (spec.weekdays && !spec.weekdays.some((r) => t.weekday >= r.begin && t.weekday <= r.end)) return false;
  if (spec.years && !spec.years.some((r) => t.year >= r.begin && t.year <= r.end)) return false;
  return true;
}

/** Any of the named interval's specs contains `atMs`. */
export function namedIntervalContains(interval: NamedTimeInterval, atMs: number): boolean {
  return interval.time_intervals.some((s) => intervalContains(s, atMs));
}
