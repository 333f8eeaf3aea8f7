/**
 * time.Time and time.Duration as notification templates see them: values
 * with Go's methods (String, Format, Unix, UTC) and Go's printed forms, so
 * `{{ .StartsAt }}`, `{{ .StartsAt.Format "15:04" }}` and `{{ date "..." }}`
 * read as they do in Alertmanager.
 */
import { formatG, withMethods } from './go-template/index.js';

export interface GoTime {
  readonly ms: number;
  /** IANA zone name; 'UTC' unless tz() changed it. */
  readonly zone: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  wd: number;
  offsetMin: number;
  abbr: string;
}

function partsOf(t: GoTime): Parts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: t.zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    timeZoneName: 'short',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(t.ms)).map((x) => [x.type, x.value]));
  const y = Number(p.year),
    mo = Number(p.month),
    d = Number(p.day),
    h = Number(p.hour),
    mi = Number(p.minute),
    s = Number(p.second);
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetMin = Math.round((local - Math.floor(t.ms / 1000) * 1000) / 60_000);
  const abbr = t.zone === 'UTC' ? 'UTC' : zoneAbbr(t, offsetMin);
  return { y, mo, d, h, mi, s, ms: ((t.ms % 1000) + 1000) % 1000, wd: new Date(local).getUTCDay(), offsetMin, abbr };
}

// Go prints tzdata's abbreviation (CET, EST); Intl knows them per locale.
function zoneAbbr(t: GoTime, offsetMin: number): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: t.zone, timeZoneName: 'short' })
      .formatToParts(new Date(t.ms))
      .find((x) => x.type === 'timeZoneName')?.value;
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  return offsetName(offsetMin, false);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
function offsetName(min: number, colon: boolean): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

const LAYOUT = /2006|January|Jan|Monday|Mon|MST|Z07:00|-07:00|-0700|\.0+|\.9+|01|02|_2|15|03|04|05|PM|pm|1|2|3|4|5|06/g;

/** Go's Time.Format for the common layout elements. */
export function formatGoTime(t: GoTime, layout: string): string {
  const p = partsOf(t);
  return layout.replace(LAYOUT, (tok) => {
    switch (tok) {
      case '2006':
        return String(p.y);
      case '06':
        return pad(p.y % 100);
      case 'January':
        return MONTHS[p.mo - 1] ?? '';
      case 'Jan':
        return (MONTHS[p.mo - 1] ?? '').slice(0, 3);
      case 'Monday':
        return DAYS[p.wd] ?? '';
      case 'Mon':
        return (DAYS[p.wd] ?? '').slice(0, 3);
      case 'MST':
        return p.abbr;
      case 'Z07:00':
        return p.offsetMin === 0 ? 'Z' : offsetName(p.offsetMin, true);
      case '-07:00':
        return offsetName(p.offsetMin, true);
      case '-0700':
        return offsetName(p.offsetMin, false);
      case '01':
        return pad(p.mo);
      case '1':
        return String(p.mo);
      case '02':
        return pad(p.d);
      case '_2':
        return String(p.d).padStart(2, ' ');
      case '2':
        return String(p.d);
      case '15':
        return pad(p.h);
      case '03':
        return pad(p.h % 12 === 0 ? 12 : p.h % 12);
      case '3':
        return String(p.h % 12 === 0 ? 12 : p.h % 12);
      case '04':
        return pad(p.mi);
      case '4':
        return String(p.mi);
      case '05':
        return pad(p.s);
      case '5':
        return String(p.s);
      case 'PM':
        return p.h >= 12 ? 'PM' : 'AM';
      case 'pm':
        return p.h >= 12 ? 'pm' : 'am';
      default: {
        // .000 fixed, .999 trimmed fractional seconds (milliseconds are all we keep).
        const digits = tok.length - 1;
        const frac = (pad(p.ms, 3) + '000000').slice(0, digits);
        return tok[1] === '0' ? `.${frac}` : frac.replace(/0+$/, '') === '' ? '' : `.${frac.replace(/0+$/, '')}`;
      }
    }
  });
}

export function goTime(ms: number, zone = 'UTC'): GoTime {
  const t: GoTime = { ms, zone };
  return withMethods(t, {
    String: () => formatGoTime(t, '2006-01-02 15:04:05.999999999 -0700 MST'),
    Format: (layout) => formatGoTime(t, String(layout)),
    Unix: () => BigInt(Math.floor(ms / 1000)),
    UTC: () => goTime(ms, 'UTC'),
    IsZero: () => ms === 0,
  });
}

export const isGoTime = (v: unknown): v is GoTime =>
  v !== null && typeof v === 'object' && typeof (v as GoTime).ms === 'number' && typeof (v as GoTime).zone === 'string';

/** Go's Duration.String: `1h2m3.5s`, `150ms`, `0s`. */
export function formatGoDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let a = Math.abs(ms);
  if (a < 1000) return `${sign}${formatG(a)}ms`;
  const h = Math.floor(a / 3600_000);
  a -= h * 3600_000;
  const m = Math.floor(a / 60_000);
  a -= m * 60_000;
  const s = `${formatG(a / 1000)}s`;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}`;
}

export interface GoDuration {
  readonly durationMs: number;
}
export function goDurationValue(ms: number): GoDuration {
  const d: GoDuration = { durationMs: ms };
  return withMethods(d, { String: () => formatGoDurationMs(ms), Seconds: () => ms / 1000 });
}
