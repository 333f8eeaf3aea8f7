/**
 * Numbered lines and strict numbers for the cgroup parsers. `Number('')` is 0
 * and `Number('0x1f')` is 31; a cgroup file never holds either, so either one
 * means the file is not what we think it is.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** A decimal integer (cgroup counters never carry a fraction), or undefined. */
export function parseInteger(token: string | undefined): number | undefined {
  return token === undefined ? undefined : integerAt(token, 0, token.length);
}

/**
 * The decimal integer (`[+-]?\d+`) that is exactly `text[start, end)`, or undefined; parseInteger
 * without cutting the token out of its line first (the parsers' hot path: every cgroup file).
 */
export function integerAt(text: string, start: number, end: number): number | undefined {
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) i++;
  if (i >= end) return undefined;
  let value = 0;
  for (let j = i; j < end; j++) {
    const d = text.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  // Up to 15 digits the sum above is exact; longer ones (v1's near-2^63 "no limit") are rounded as Number() rounds.
  if (end - i > 15) value = Number(text.slice(i, end));
  return sign === 45 ? -value : value;
}

/** A decimal number such as PSI's `avg10=1.25`, or undefined. */
export function parseDecimal(token: string | undefined): number | undefined {
  if (token === undefined || !DECIMAL.test(token)) return undefined;
  return Number(token);
}

export { fields, numberedLines, quote } from '../text-lines.js';
export type { NumberedLine } from '../text-lines.js';

/** A problem found in one file, placed at `file:line` (or just `file`). */
export interface FileProblem {
  readonly place: string;
  readonly message: string;
}
