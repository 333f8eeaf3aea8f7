/**
 * Small helpers shared by the /proc and /sys parsers: numbered lines and strict
 * numbers. `Number('')` is 0 and `Number('0x1f')` is 31; a kernel file never
 * holds either, so either one means the file is not what we think it is.
 */

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number, or undefined for anything else (including empty text). */
export function parseNumber(token: string | undefined): number | undefined {
  if (token === undefined || !NUMBER.test(token)) return undefined;
  return Number(token);
}

export { fields, numberedLines, quote } from '../text-lines.js';
export type { NumberedLine } from '../text-lines.js';
