/**
 * ULIDs name block directories, as in Prometheus: 48 bits of milliseconds
 * then 80 random bits, in Crockford's base32 (26 characters, sortable by
 * creation time).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export type RandomSource = (n: number) => Uint8Array;

/** A new ULID for time `nowMs`. `random` is injectable so tests can pin the output. */
export function newUlid(nowMs: number, random: RandomSource = (n) => randomBytes(n)): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs >= 2 ** 48)
    throw new RangeError(`ULID time ${nowMs} is out of range`);
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits = 16 characters of 5 bits each.
  const bytes = random(10);
  let rand = '';
  let acc = 0;
  let accBits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    accBits += 8;
    while (accBits >= 5) {
      rand += ALPHABET[(acc >>> (accBits - 5)) & 31]!;
      accBits -= 5;
    }
  }
  return time + rand;
}

export function isUlid(s: string): boolean {
  return ULID_RE.test(s.toUpperCase());
}

/** The millisecond timestamp a ULID was made at. */
export function ulidTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10).toUpperCase()) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}
