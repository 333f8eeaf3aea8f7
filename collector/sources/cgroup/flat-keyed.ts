/**
 * The kernel's "flat keyed" cgroup files: one `key value` pair per line.
 * cpu.stat, cpuacct.stat, memory.stat, memory.events and memory.oom_control
 * all have this shape (cgroup-v2.rst, "Interface Files" → "Format").
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, numberedLines, parseInteger, quote } from './text-lines.js';

export function parseFlatKeyed(text: string, file: string): Parsed<ReadonlyMap<string, number>> {
  const values = new Map<string, number>();
  const problems: FileProblem[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    const [key, raw, extra] = fields(line);
    const value = parseInteger(raw);
    if (key === undefined || value === undefined || extra !== undefined) {
      problems.push({ place: `${file}:${no}`, message: `expected "<key> <integer>", got ${quote(line)}` });
      continue;
    }
    values.set(key, value);
  }
  return parsed(values, problems);
}
