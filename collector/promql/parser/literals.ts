/**
 * Number, duration and string literals the way Prometheus' lexer reads them
 * (Go's strconv rules): hex and decimal numbers with `_` between digits, Inf
 * and NaN in any case, durations such as `1h30m`, and Go-quoted strings.
 */
import { err, ok, type Result } from '../../result.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const DURATION_RE = /^(?:\d+(?:y|w|d|h|ms|m|s))+$/;

/** `1h30m` → 5400000; undefined when `text` is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  let lastRank = -1;
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  for (const m of text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) {
    const unit = m[2] ?? '';
    const rank = order.indexOf(unit);
    if (rank <= lastRank) return undefined; // units must appear once, largest first
    lastRank = rank;
    total += Number(m[1]) * (UNIT_MS[unit] ?? 0);
  }
  return total;
}

/** Formats ms as Prometheus' model.Duration does: `1h30m`, `0s`, `1d`. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out = '';
  for (const [unit, size] of [
    ['y', UNIT_MS.y],
    ['w', UNIT_MS.w],
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / (size ?? 1));
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * (size ?? 1);
    }
  }
  return neg ? `-${out}` : out;
}

/** A number literal (no sign) → its value; durations count as seconds. */
export function parseNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  const d = parseDurationMs(text);
  if (d !== undefined) return d / 1000;
  if (/_(?!\d)|(?<!\d)_/.test(text)) return undefined; // `_` only between digits
  const plain = text.replace(/_/g, '');
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(plain)) return undefined;
  return Number(plain);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Unquotes a PromQL string literal (", ' or `) with Go's escape rules. */
export function unquoteString(raw: string): Result<string, string> {
  const q = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== q) return err('unterminated quoted string');
  const body = raw.slice(1, -1);
  if (q === '`') return ok(body);
  let out = '';
  const bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      out += decodeBytes(bytes);
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      flushBytes();
      if (c === '\n') return err('newline in string');
      out += c;
      continue;
    }
    const e = body[i + 1] ?? '';
    i++;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flushBytes();
      out += simple;
    } else if (e === q) {
      flushBytes();
      out += e;
    } else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return err('invalid syntax');
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255) return err('invalid syntax');
      bytes.push(Number.parseInt(oct, 8));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return err('invalid syntax');
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return err('invalid syntax');
      flushBytes();
      out += String.fromCodePoint(cp);
      i += n;
    } else {
      return err(`unknown escape sequence`);
    }
  }
  flushBytes();
  return ok(out);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Escaped bytes that are not valid UTF-8 survive as lone surrogates
 * U+DC80..U+DCFF (one per byte), so that validity checks can reject them and
 * messages can print them back as \xNN.
 */
function decodeBytes(bytes: number[]): string {
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b))).join('');
  }
}

/** Whether `s` is valid UTF-8 text (no bytes kept from an invalid escape). */
export function isValidUtf8(s: string): boolean {
  return !/(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Quotes a string the way Go's %q does, for formatExpr. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xdc80 && cp <= 0xdcff) out += `\\x${(cp - 0xdc00).toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}
