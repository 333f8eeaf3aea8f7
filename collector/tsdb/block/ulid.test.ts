import { describe, expect, it } from 'vitest';
import { isUlid, newUlid, ulidTime } from './ulid.js';

describe('newUlid', () => {
  it('encodes time in the first 10 characters and 80 random bits after', () => {
    const id = newUlid(1_700_000_000_000, (n) => new Uint8Array(n).fill(0xff));
    expect(id).toHaveLength(26);
    expect(isUlid(id)).toBe(true);
    expect(ulidTime(id)).toBe(1_700_000_000_000);
    expect(id.slice(10)).toBe('ZZZZZZZZZZZZZZZZ');
    expect(newUlid(0, (n) => new Uint8Array(n))).toBe('00000000000000000000000000');
  });

  it('sorts by creation time', () => {
    const a = newUlid(1_700_000_000_000);
    const b = newUlid(1_700_000_000_001);
    expect(a < b).toBe(true);
  });

  it('matches the time part of a ULID Prometheus made', () => {
    // From a block written by promtool create-blocks-from at 2026-11-27 14:25 UTC.
    expect(new Date(ulidTime('01M8EPC4EJPCAZEJFGC9K1R2ZG')).toISOString().slice(0, 16)).toBe('2026-11-27T14:25');
  });

  it('rejects times that do not fit 48 bits', () => {
    expect(() => newUlid(-1)).toThrow(RangeError);
    expect(() => newUlid(2 ** 48)).toThrow(RangeError);
  });
});
