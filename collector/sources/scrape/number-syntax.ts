/**
 * Number syntax of the two formats. They differ on purpose: the text format
 * takes whatever Go's strconv.ParseFloat takes (minus hex, `_` and `p`, which
 * prometheus/common refuses), while OpenMetrics has its own ABNF with no hex,
 * no octal or binary prefixes and timestamps in (fractional) seconds.
 */

// Go's ParseFloat spellings of the special values: a sign is allowed before inf
// but not before nan, and case does not matter.
const GO_SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Value of a float token as the text format reads it, or undefined if it is not one. */
export function parseTextFloat(token: string): number | undefined {
  if (GO_SPECIAL.test(token)) return specialValue(token);
  if (!DECIMAL.test(token)) return undefined;
  const v = Number(token);
  // Go reports overflow to ±Inf as a range error rather than returning Inf.
  return Number.isFinite(v) ? v : undefined;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** A text-format timestamp: a signed base-10 int64 of milliseconds. */
export function parseTextTimestamp(token: string): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  const big = BigInt(token);
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return Number(big);
}

const OM_REAL = /^[+-]?(?:\d+(?:\.\d*)?|\d*\.\d+)(?:[eE][+-]?\d+)?$/;
const OM_SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;

/** A number per the OpenMetrics ABNF (`realnumber`, signed inf/infinity, nan; case-insensitive). */
export function parseOmNumber(token: string): number | undefined {
  if (OM_SPECIAL.test(token)) return specialValue(token);
  if (!OM_REAL.test(token)) return undefined;
  const v = Number(token);
  return Number.isFinite(v) ? v : undefined;
}

/** An OpenMetrics timestamp: a real number of seconds (no NaN or Inf), returned in milliseconds. */
export function parseOmTimestampMs(token: string): number | undefined {
  if (!OM_REAL.test(token)) return undefined;
  const seconds = Number(token);
  if (!Number.isFinite(seconds)) return undefined;
  return secondsToMs(token, seconds);
}

// Multiplying a parsed float by 1000 turns 1.001 into 1000.9999999999999; doing
// the shift on the decimal digits keeps millisecond timestamps exact.
function secondsToMs(token: string, seconds: number): number {
  if (/[eE]/.test(token)) return Math.round(seconds * 1000);
  const neg = token.startsWith('-');
  const body = token.replace(/^[+-]/, '');
  const dot = body.indexOf('.');
  const whole = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot + 1);
  const msDigits = (frac + '000').slice(0, 3);
  const rest = frac.slice(3);
  let ms = Number((whole === '' ? '0' : whole) + msDigits);
  // Round half away from zero on the digits below a millisecond.
  if (rest !== '' && Number(`0.${rest}`) >= 0.5) ms += 1;
  return neg ? -ms : ms;
}

function specialValue(token: string): number {
  const lower = token.toLowerCase();
  if (lower === 'nan') return NaN;
  return lower.startsWith('-') ? -Infinity : Infinity;
}
