/**
 * The two duration syntaxes in Alertmanager's config. Route timers and
 * `resolve_timeout` are Prometheus durations (`1h30m`, `1d`, `2w`); notifier
 * `timeout`s and pushover's `retry`/`expire` are Go durations (`1.5h`, `300ms`).
 * All values are milliseconds.
 */
import { ConfigFail, str, type FieldDecoder } from './decoder.js';

const PROM_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const PROM_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Prometheus' model.ParseDuration; the error text is theirs. */
export function parsePromDuration(s: string): number | string {
  if (s === '') return 'empty duration string';
  if (s === '0') return 0;
  const m = PROM_RE.exec(s);
  if (!m) return `not a valid duration string: ${JSON.stringify(s)}`;
  let total = 0;
  PROM_UNITS.forEach(([, size], i) => {
    const v = m[i + 1];
    if (v !== undefined) total += Number(v) * size;
  });
  if (!Number.isSafeInteger(total)) return 'duration out of range';
  return total;
}

/** The shortest Prometheus spelling of `ms` (`90000` → `1m30s`), as model.Duration prints. */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of PROM_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3600_000,
};

/** Go's time.ParseDuration, in milliseconds, or Go's error text. */
export function parseGoDurationOrError(orig: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(orig)}`;
  let s = orig;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.(\d*))?/.exec(s);
    const whole = num?.[1] ?? '';
    const frac = num?.[3] ?? '';
    if (!num || (whole === '' && frac === '')) return invalid;
    s = s.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return `time: missing unit in duration ${JSON.stringify(orig)}`;
    const size = GO_UNITS[unit];
    if (size === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(orig)}`;
    total += Number(`${whole || '0'}.${frac || '0'}`) * size;
    s = s.slice(unit.length);
  }
  return sign * total;
}

/** Go's time.ParseDuration, in milliseconds; undefined when invalid. */
export function parseGoDuration(s: string): number | undefined {
  const v = parseGoDurationOrError(s);
  return typeof v === 'number' ? v : undefined;
}

/** model.Duration: a string, else `not a valid duration string`. */
export const promDuration: FieldDecoder<number> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  const v = parsePromDuration(s);
  if (typeof v === 'string') throw new ConfigFail(v);
  return v;
};

/** Go time.Duration as go-yaml decodes it: a duration string or an integer of nanoseconds. */
export const goDuration: FieldDecoder<number> = (d, n) => {
  if (n.kind === 'scalar' && n.tag === '!!null') return undefined;
  if (n.kind === 'scalar' && n.tag === '!!int') return Number(n.value) / 1e6;
  if (n.kind === 'scalar' && n.tag === '!!str') {
    const v = parseGoDuration(n.value);
    if (v !== undefined) return v;
  }
  d.mismatch(n, 'time.Duration');
  return undefined;
};

/** Pushover's durations go through encoding.TextUnmarshaler: Go syntax, Go's error. */
export const textGoDuration: FieldDecoder<number> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  const v = parseGoDurationOrError(s);
  if (typeof v === 'string') throw new ConfigFail(v);
  return v;
};
