/**
 * Go's literal syntaxes as promqltest reads them: numbers (strconv.ParseInt
 * with base 0, then strconv.ParseFloat) and quoted strings (strconv.Unquote,
 * which Prometheus extends to single-quoted strings). The scripts are Go
 * test data, so `010` is eight and `0x10` sixteen where Go says so.
 */

const DEC_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** strconv.ParseInt(s, 0, 64): decimal, `0x`, `0o`, `0b` or leading-zero octal, `_` between digits. */
function parseGoInt(s: string): number | undefined {
  const m =
    /^([+-]?)(0[xX]_?[0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO]_?[0-7](?:_?[0-7])*|0[bB]_?[01](?:_?[01])*|0_?[0-7](?:_?[0-7])*|[1-9](?:_?\d)*|0)$/.exec(
      s,
    );
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  let body = (m[2] as string).replace(/_/g, '');
  let value: bigint;
  if (/^0[xXoObB]/.test(body)) value = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) {
    body = body.slice(1);
    value = BigInt(`0o${body}`);
  } else value = BigInt(body);
  const signed = sign * value;
  // Outside int64, ParseInt fails and ParseFloat gets its turn.
  if (signed > 9223372036854775807n || signed < -9223372036854775808n) return undefined;
  return Number(signed);
}

/** strconv.ParseFloat(s, 64) for the forms the scripts use (decimal, Inf, NaN). */
function parseGoFloat(s: string): number | undefined {
  const special = SPECIAL.exec(s);
  if (special) {
    if ((special[2] as string).toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!DEC_FLOAT.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

/** promqltest's parseNumber and the PromQL parser's number(): ParseInt base 0, else ParseFloat. */
export function parseGoNumber(s: string): number | undefined {
  return parseGoInt(s) ?? parseGoFloat(s);
}

/** strconv.ParseUint(s, 10, 64), used for the `xN` repetition counts. */
export function parseGoUint(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/**
 * Reads a quoted string starting at `text[start]` (`"`, `'` or a backquote).
 * Returns the value and the index just past the closing quote, or a reason.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | { error: string } {
  const quote = text[start];
  if (quote === '`') {
    const close = text.indexOf('`', start + 1);
    if (close < 0) return { error: 'unterminated raw string' };
    return { value: text.slice(start + 1, close), end: close + 1 };
  }
  if (quote !== '"' && quote !== "'")
    return { error: `expected a quoted string, got ${JSON.stringify(text[start] ?? '')}` };
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    if (e === quote) {
      out += e;
      i += 2;
    } else if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else {
      const spec = /^[0-7]{3}/.exec(text.slice(i + 1))
        ? { len: 3, base: 8, skip: 0 }
        : e === 'x'
          ? { len: 2, base: 16, skip: 1 }
          : e === 'u'
            ? { len: 4, base: 16, skip: 1 }
            : e === 'U'
              ? { len: 8, base: 16, skip: 1 }
              : undefined;
      if (!spec) return { error: `unknown escape sequence \\${e}` };
      const digits = text.slice(i + 1 + spec.skip, i + 1 + spec.skip + spec.len);
      const valid = spec.base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
      if (digits.length !== spec.len || !valid.test(digits))
        return { error: `invalid escape sequence \\${e}${digits}` };
      const code = parseInt(digits, spec.base);
      if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000))
        return { error: 'escape sequence is an invalid Unicode code point' };
      out +=
        spec.len <= 3 || (spec.skip === 1 && spec.len === 2) ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += 1 + spec.skip + spec.len;
    }
  }
  return { error: 'unterminated quoted string' };
}

/** strconv.Unquote of a whole token: the quoted string must span it exactly. */
export function unquote(token: string): string | undefined {
  const r = readQuoted(token, 0);
  if ('error' in r || r.end !== token.length) return undefined;
  return r.value;
}
