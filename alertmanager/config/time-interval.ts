/**
 * `time_intervals` (and the deprecated `mute_time_intervals`): named sets of
 * time ranges, weekdays, days of month, months and years in a time zone,
 * validated with Alertmanager's messages. Ranges are inclusive except `times`,
 * whose end minute is exclusive.
 */
import { ConfigFail, isNull, list, str, type Decoder, type FieldDecoder } from './decoder.js';
import type { YNode } from './yaml-node.js';

export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}
/** Minutes of the day, [startMinute, endMinute). */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}
export interface TimeIntervalSpec {
  readonly times?: readonly TimeRange[];
  readonly weekdays?: readonly InclusiveRange[];
  readonly days_of_month?: readonly InclusiveRange[];
  readonly months?: readonly InclusiveRange[];
  readonly years?: readonly InclusiveRange[];
  /** IANA zone name, 'UTC' or 'Local'; UTC when absent. */
  readonly location?: string;
}
export interface NamedTimeInterval {
  readonly name: string;
  readonly time_intervals: readonly TimeIntervalSpec[];
}

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

/** Go's strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ConfigFail(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function rangeFromString(input: string, member: (s: string) => number): InclusiveRange {
  const s = input.toLowerCase();
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 2) throw new ConfigFail(`couldn't parse range ${s}, invalid format`);
    return { begin: member(parts[0] as string), end: member(parts[1] as string) };
  }
  const v = member(s);
  return { begin: v, end: v };
}

const rangeDecoder =
  (
    check: (r: InclusiveRange, raw: string) => void,
    member: (s: string) => number = atoi,
  ): FieldDecoder<InclusiveRange> =>
  (d, n) => {
    const s = str(d, n);
    if (s === undefined) return undefined;
    const r = rangeFromString(s, member);
    check(r, s);
    return r;
  };

const weekday = rangeDecoder(
  (r, raw) => {
    if (r.begin > r.end) throw new ConfigFail('start day cannot be before end day');
    if (r.begin < 0 || r.begin > 6 || r.end < 0 || r.end > 6)
      throw new ConfigFail(`${raw} is not a valid day of the week: out of range`);
  },
  (s) => {
    const i = WEEKDAYS.indexOf(s);
    if (i < 0) throw new ConfigFail(`${s} is not a valid weekday`);
    return i;
  },
);

const dayOfMonth = rangeDecoder((r) => {
  for (const v of [r.begin, r.end]) {
    if (v === 0 || v < -31 || v > 31) throw new ConfigFail(`${v} is not a valid day of the month: out of range`);
  }
  if (r.begin < 0 && r.end > 0) throw new ConfigFail('end day must be negative if start day is negative');
  const b = r.begin < 0 ? 28 + r.begin : r.begin;
  const e = r.end < 0 ? 28 + r.end : r.end;
  if (b > e) throw new ConfigFail(`end day ${r.end} is always before start day ${r.begin}`);
});

const month = rangeDecoder(
  (r) => {
    for (const v of [r.begin, r.end]) {
      if (v < 1 || v > 12) throw new ConfigFail(`${v} is not a valid month: out of range`);
    }
    if (r.begin > r.end)
      throw new ConfigFail(`end month ${MONTHS[r.end - 1]} is before start month ${MONTHS[r.begin - 1]}`);
  },
  (s) => {
    const i = MONTHS.indexOf(s);
    if (i >= 0) return i + 1;
    if (!/^[+-]?\d+$/.test(s)) throw new ConfigFail(`${s} is not a valid month`);
    return Number(s);
  },
);

const year = rangeDecoder((r) => {
  if (r.begin > r.end) throw new ConfigFail(`end year ${r.end} is before start year ${r.begin}`);
});

const VALID_TIME = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;
function parseTime(s: string): number {
  if (!VALID_TIME.test(s)) throw new ConfigFail(`couldn't parse timestamp ${s}, invalid format`);
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

const timeRange: FieldDecoder<TimeRange> = (d, n) => {
  if (isNull(n)) return undefined;
  let raw: { start_time?: string; end_time?: string } = {};
  if (!d.clean(() => (raw = d.fields(n, 'timeinterval.yamlTimeRange', { start_time: str, end_time: str })))) {
    return { startMinute: 0, endMinute: 0 };
  }
  if (!raw.start_time || !raw.end_time) throw new ConfigFail('both start and end times must be provided');
  const start = parseTime(raw.start_time);
  const end = parseTime(raw.end_time);
  if (start >= end) throw new ConfigFail('start time cannot be equal or greater than end time');
  return { startMinute: start, endMinute: end };
};

function validZone(name: string): boolean {
  if (name === 'UTC' || name === 'Local' || name === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const location: FieldDecoder<string> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  if (!validZone(s)) throw new ConfigFail(`unknown time zone ${s}`);
  return s;
};

const SPEC = {
  times: list(timeRange, '[]timeinterval.TimeRange'),
  weekdays: list(weekday, '[]timeinterval.WeekdayRange'),
  days_of_month: list(dayOfMonth, '[]timeinterval.DayOfMonthRange'),
  months: list(month, '[]timeinterval.MonthRange'),
  years: list(year, '[]timeinterval.YearRange'),
  location,
};

const spec: FieldDecoder<TimeIntervalSpec> = (d, n) => (isNull(n) ? {} : d.fields(n, 'timeinterval.plain', SPEC));

/** One entry of `time_intervals:`; `what` names it in the error ("time interval" or "mute time interval"). */
export const namedTimeInterval =
  (what: 'time interval' | 'mute time interval'): FieldDecoder<NamedTimeInterval> =>
  (d: Decoder, n: YNode) => {
    if (isNull(n)) return undefined;
    let v: { name?: string; time_intervals?: TimeIntervalSpec[] } = {};
    if (
      !d.clean(
        () =>
          (v = d.fields(n, 'config.plain', { name: str, time_intervals: list(spec, '[]timeinterval.TimeInterval') })),
      )
    ) {
      return { name: v.name ?? '', time_intervals: v.time_intervals ?? [] };
    }
    if (!v.name) throw new ConfigFail(`missing name in ${what}`);
    return { name: v.name, time_intervals: (v.time_intervals ?? []).filter((t) => t !== undefined) };
  };
