/**
 * Numbered lines and strict numbers for the cgroup parsers. `Number('')` is 0
 * and `Number('0x1f')` is 31; a cgroup file never holds either, so either one
 * means the file is not what we think it is.
 */

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** A decimal integer (cgroup counters never carry a fraction), or undefined. */
export function parseInteger(token: string | undefined): number | undefined {
  if (token === undefined || !INTEGER.test(token)) return undefined;
  return Number(token);
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
