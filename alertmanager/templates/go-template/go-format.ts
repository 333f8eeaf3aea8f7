/**
 * Go's fmt as templates print with it: %v of every value a template sees, and
 * printf's verbs with flags, width and precision. Ints are bigint, floats number.
 */
import { methodOf } from './values.js';

/** strconv.FormatFloat(v, 'g', prec, 64); prec -1 is the shortest exact form (%v). */
export function formatG(v: number, prec = -1, upper = false): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const p = prec === 0 ? 1 : prec;
  const exp = p < 0 ? v.toExponential() : v.toExponential(p - 1);
  const [mant = '0', e = '0'] = exp.split('e');
  const x = Number(e);
  // strconv: the shortest form switches to an exponent at 6 digits ("1e+06"),
  // a given precision at that precision.
  const eprec = p < 0 ? 6 : p;
  const useExp = x < -4 || x >= eprec;
  if (useExp) {
    const m = p < 0 ? mant : trimZeros(mant);
    const s = `${m}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
    return upper ? s.toUpperCase() : s;
  }
  const digits = p < 0 ? mant.replace('.', '').replace('-', '').length : p;
  const fixed = v.toFixed(Math.max(0, digits - 1 - x));
  return p < 0 ? fixed : trimZeros(fixed);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** %v of a value. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatG(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof Map) return `map[${[...v].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${formatValue(k)}:${formatValue(x)}`).join(' ')}]`;
  if (typeof v === 'object') {
    // A value with a String method prints through it, as a Go Stringer does.
    const stringer = methodOf(v, 'String');
    if (stringer) return String(stringer());
    const entries = Object.entries(v as Record<string, unknown>);
    if ((v as { constructor?: unknown }).constructor === Object) {
      return `map[${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}:${formatValue(x)}`).join(' ')}]`;
    }
    return `{${entries.map(([, x]) => formatValue(x)).join(' ')}}`;
  }
  return typeof v === 'symbol' || typeof v === 'function' ? v.toString() : '<unknown>';
}

const VERB = /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])/g;

export function sprintf(format: string, args: readonly unknown[]): string {
  let i = 0;
  const out = format.replace(VERB, (whole, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const hasPrec = whole.includes('.');
    const w = width === '*' ? Number(args[i++]) : width === undefined ? undefined : Number(width);
    const p = precision === '*' ? Number(args[i++]) : hasPrec ? Number(precision ?? 0) : undefined;
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[i++];
    return pad(formatVerb(verb, arg, p, flags), w, flags);
  });
  if (i < args.length) return `${out}%!(EXTRA ${args.slice(i).map((a) => `${goType(a)}=${formatValue(a)}`).join(', ')})`;
  return out;
}

export function goType(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return '<nil>';
  return 'interface {}';
}

function pad(s: string, width: number | undefined, flags: string): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && /^[-+]?[\d.]/.test(s)) {
    const sign = /^[-+]/.test(s) ? (s[0] as string) : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

function sign(s: string, flags: string, negative: boolean): string {
  if (negative) return s;
  if (flags.includes('+')) return `+${s}`;
  if (flags.includes(' ')) return ` ${s}`;
  return s;
}

function formatVerb(verb: string, arg: unknown, prec: number | undefined, flags: string): string {
  const bad = (): string => `%!${verb}(${goType(arg)}=${formatValue(arg)})`;
  switch (verb) {
    case 'v':
      return typeof arg === 'number' ? sign(formatG(arg), flags, arg < 0) : formatValue(arg);
    case 's':
      if (typeof arg === 'string') return prec === undefined ? arg : arg.slice(0, prec);
      return typeof arg === 'number' || typeof arg === 'bigint' ? bad() : formatValue(arg);
    case 'q':
      return typeof arg === 'string' ? JSON.stringify(arg) : bad();
    case 't':
      return typeof arg === 'boolean' ? String(arg) : bad();
    case 'd':
      return typeof arg === 'bigint' ? sign(arg.toString(), flags, arg < 0n) : bad();
    case 'x':
    case 'X': {
      let s: string;
      if (typeof arg === 'bigint') s = (arg < 0n ? '-' : '') + (arg < 0n ? -arg : arg).toString(16);
      else if (typeof arg === 'string') s = Buffer.from(arg, 'utf8').toString('hex');
      else return bad();
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      return typeof arg === 'bigint' ? arg.toString(8) : bad();
    case 'b':
      return typeof arg === 'bigint' ? arg.toString(2) : bad();
    case 'c':
      return typeof arg === 'bigint' ? String.fromCodePoint(Number(arg)) : bad();
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') return bad();
      if (!Number.isFinite(arg)) return sign(formatG(arg), flags, arg < 0);
      let s: string;
      if (verb === 'f' || verb === 'F') s = goFixed(arg, prec ?? 6);
      else if (verb === 'e' || verb === 'E') {
        const [m = '', e = '0'] = arg.toExponential(prec ?? 6).split('e');
        s = `${m}e${Number(e) < 0 ? '-' : '+'}${String(Math.abs(Number(e))).padStart(2, '0')}`;
        if (verb === 'E') s = s.toUpperCase();
      } else s = formatG(arg, prec ?? -1, verb === 'G');
      return sign(s, flags, arg < 0);
    }
    default:
      return `%!${verb}(${goType(arg)}=${formatValue(arg)})`;
  }
}

/**
 * %.Nf with Go's rounding: the exact binary value decides, and an exact tie
 * rounds to even (Go prints 2.25 as "2.2" where JS's toFixed gives "2.3").
 */
export function goFixed(x: number, prec: number): string {
  const abs = Math.abs(x);
  const plain = abs.toPrecision(100);
  if (plain.includes('e') || prec > 60) return x.toFixed(Math.min(prec, 100));
  const [int = '0', frac = ''] = plain.split('.');
  if (frac.length <= prec) return (x < 0 ? '-' : '') + int + (prec > 0 ? '.' + frac.padEnd(prec, '0') : '');
  const kept = int + frac.slice(0, prec);
  const next = Number(frac[prec]);
  const rest = frac.slice(prec + 1);
  const lastKept = Number(kept[kept.length - 1]);
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || lastKept % 2 === 1));
  let digits = up ? (BigInt(kept) + 1n).toString().padStart(kept.length, '0') : kept;
  if (digits.length < int.length + prec) digits = digits.padStart(int.length + prec, '0');
  const intDigits = digits.slice(0, digits.length - prec) || '0';
  const out = prec > 0 ? `${intDigits}.${digits.slice(digits.length - prec)}` : intDigits;
  return (x < 0 && /[1-9]/.test(out) ? '-' : x < 0 ? '-' : '') + out;
}
