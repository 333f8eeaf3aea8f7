import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  it('gives the Castagnoli check value and RFC 3720 test vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('chains: crc(a + b) = crc(b, crc(a)), at every split point', () => {
    const data = Uint8Array.from({ length: 37 }, (_, i) => (i * 73 + 11) & 0xff);
    const whole = crc32c(data);
    for (let k = 0; k <= data.length; k++) expect(crc32c(data.subarray(k), crc32c(data.subarray(0, k)))).toBe(whole);
  });
});
