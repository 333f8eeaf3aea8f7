/**
 * Go's strconv.Unquote for double-quoted strings, which is how the UTF-8
 * matcher parser reads `"..."` tokens: \a \b \f \n \r \t \v \\ \" escapes,
 * \xHH and \ooo bytes, \uHHHH and \UHHHHHHHH code points. Byte escapes are
 * collected as UTF-8 and must form valid UTF-8 in the end.
 */
const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
const utf8 = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export type UnquoteResult = { ok: true; value: string } | { ok: false; reason: 'syntax' | 'utf8' };

export function goUnquote(quoted: string): UnquoteResult {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return { ok: false, reason: 'syntax' };
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const pushText = (s: string): void => {
    for (const b of utf8.encode(s)) bytes.push(b);
  };
  const hex = (s: string): number | undefined => (/^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : undefined);
  for (let i = 0; i < body.length;) {
    const c = body[i] as string;
    if (c === '"' || c === '\n') return { ok: false, reason: 'syntax' };
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return { ok: false, reason: 'syntax' };
    if (e in SIMPLE) {
      bytes.push(SIMPLE[e] as number);
      i += 2;
    } else if (e === 'x') {
      const v = hex(body.slice(i + 2, i + 4));
      if (v === undefined || body.slice(i + 2, i + 4).length !== 2) return { ok: false, reason: 'syntax' };
      bytes.push(v);
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return { ok: false, reason: 'syntax' };
      const v = parseInt(oct, 8);
      if (v > 255) return { ok: false, reason: 'syntax' };
      bytes.push(v);
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const digits = body.slice(i + 2, i + 2 + n);
      const v = digits.length === n ? hex(digits) : undefined;
      if (v === undefined || v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return { ok: false, reason: 'syntax' };
      pushText(String.fromCodePoint(v));
      i += 2 + n;
    } else return { ok: false, reason: 'syntax' };
  }
  try {
    return { ok: true, value: strictDecoder.decode(new Uint8Array(bytes)) };
  } catch {
    return { ok: false, reason: 'utf8' };
  }
}
