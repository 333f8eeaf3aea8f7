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

export interface NumberedLine {
  /** 1-based, as editors and error messages count. */
  readonly no: number;
  readonly text: string;
}

/** Non-empty lines with their line numbers; a trailing newline adds no line. */
export function numberedLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== '') out.push({ no: i + 1, text: line });
  }
  return out;
}

/** Whitespace-separated fields of a line. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/** Shortens found text for an error message so a binary file cannot flood the log. */
export function quote(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}

/** A problem found in one file, placed at `file:line` (or just `file`). */
export interface FileProblem {
  readonly place: string;
  readonly message: string;
}
