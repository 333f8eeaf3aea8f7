import { describe, expect, it } from 'vitest';
import { parseExposition } from './parse-exposition.js';
import { decodeUtf8 } from './utf8-input.js';

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, NUL included', () => {
    const r = decodeUtf8(new TextEncoder().encode('a{x="Björn 佖 \u0000"} 1\n'));
    expect(r.ok && r.value).toBe('a{x="Björn 佖 \u0000"} 1\n');
  });

  it.each([
    [
      [0x61, 0x0a, 0x6d, 0x7b, 0x6c, 0x3d, 0x22, 0xbd, 0x22],
      'line 2: invalid UTF-8 (byte 0xbd at offset 7) at column 6',
    ],
    [[0xc0, 0xaf], 'line 1: invalid UTF-8 (byte 0xc0 at offset 0) at column 1'], // overlong "/"
    [[0x61, 0xed, 0xa0, 0x80], 'line 1: invalid UTF-8 (byte 0xed at offset 1) at column 2'], // a surrogate
    [[0x61, 0xe2, 0x82], 'line 1: invalid UTF-8 (byte 0xe2 at offset 1) at column 2'], // truncated
  ])('rejects %j', (bytes, message) => {
    const r = decodeUtf8(Uint8Array.from(bytes));
    expect(!r.ok && r.error.message).toBe(message);
  });

  it('makes parseExposition reject invalid label values given as bytes', () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('metric{l="'),
      0xbd,
      ...new TextEncoder().encode('"} 3.14\n'),
    ]);
    const r = parseExposition(bytes, 'text/plain; version=0.0.4');
    expect(!r.ok && r.error.line).toBe(1);
  });
});
