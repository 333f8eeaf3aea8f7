/**
 * Files that hold one number: cpuacct.usage, memory.current, pids.current,
 * cpu.shares, memory.limit_in_bytes… v2 limits write `max` for "no limit";
 * v1 writes -1 (cpu.cfs_quota_us) or a page-rounded INT64_MAX
 * (memory.limit_in_bytes), which the callers interpret.
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import { integerAt, numberedLines, parseInteger, quote } from './text-lines.js';

/** End of the only line of `text` without its newline, or -1 when there is more than one line. */
function singleLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  if (nl === -1) return text.length;
  return nl === text.length - 1 ? nl : -1;
}

/** `undefined` value means the file held something else; the problem says what. */
export function parseSingleValue(text: string, file: string, allowMax = false): Parsed<number | 'max' | undefined> {
  // The kernel's own spelling, "<integer>\n" or "max\n", read in place; anything else takes the careful path.
  const end = singleLineEnd(text);
  if (end > 0) {
    const value = integerAt(text, 0, end);
    if (value !== undefined) return parsed(value);
    if (allowMax && end === 3 && text.startsWith('max')) return parsed('max');
  }
  const lines = numberedLines(text);
  const first = lines[0];
  if (first === undefined) return parsed(undefined, [{ place: file, message: 'expected a number, got an empty file' }]);
  const token = first.text.trim();
  if (allowMax && token === 'max') return parsed('max');
  const value = parseInteger(token);
  if (value === undefined || lines.length > 1) {
    const expected = allowMax ? 'an integer or "max"' : 'an integer';
    return parsed(undefined, [{ place: `${file}:${first.no}`, message: `expected ${expected}, got ${quote(text)}` }]);
  }
  return parsed(value);
}

/** cgroup v2 `cpu.max`: `"<quota> <period>"` or `"max <period>"`, both in microseconds. */
export interface CpuMax {
  /** undefined when unlimited (`max`). */
  readonly quotaUs: number | undefined;
  readonly periodUs: number;
}

export function parseCpuMax(text: string, file: string): Parsed<CpuMax | undefined> {
  const lines = numberedLines(text);
  const first = lines[0];
  const [q, p, extra] = first ? first.text.trim().split(/\s+/) : [];
  const quota = q === 'max' ? 'max' : parseInteger(q);
  const period = parseInteger(p);
  if (first === undefined || quota === undefined || period === undefined || extra !== undefined || lines.length > 1) {
    const place = first ? `${file}:${first.no}` : file;
    return parsed(undefined, [{ place, message: `expected "<quota|max> <period>", got ${quote(text)}` }]);
  }
  return parsed({ quotaUs: quota === 'max' ? undefined : quota, periodUs: period });
}
