/**
 * Bodies arrive as bytes. Both formats require UTF-8, and a JS string cannot
 * show where bytes were invalid once decoded with replacement characters, so
 * the check happens here, with the line and column of the first bad byte.
 */
import { err, ok, type Result } from '../../result.js';
import { ParseError } from './exposition-types.js';

// ignoreBOM keeps a byte order mark in the text, where the parsers reject it:
// OpenMetrics forbids one and the text format has no place for it.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array): Result<string, ParseError> {
  try {
    return ok(strict.decode(bytes));
  } catch {
    const at = firstInvalidByte(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const hex = (bytes[at] ?? 0).toString(16).padStart(2, '0');
    return err(new ParseError(line, `invalid UTF-8 (byte 0x${hex} at offset ${at})`, at - lineStart + 1));
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const [len, min] =
      c < 0x80
        ? [1, 0]
        : c >= 0xc2 && c <= 0xdf
          ? [2, 0x80]
          : c >= 0xe0 && c <= 0xef
            ? [3, 0x800]
            : c >= 0xf0 && c <= 0xf4
              ? [4, 0x10000]
              : [0, 0];
    if (len === 0 || i + len > b.length) return i;
    let cp = len === 1 ? c : c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const cont = b[i + k] as number;
      if ((cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += len;
  }
  return b.length;
}
