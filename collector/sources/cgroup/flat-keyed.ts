/**
 * The kernel's "flat keyed" cgroup files: one `key value` pair per line.
 * cpu.stat, cpuacct.stat, memory.stat, memory.events and memory.oom_control
 * all have this shape (cgroup-v2.rst, "Interface Files" → "Format").
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, parseInteger, quote } from './text-lines.js';

export function parseFlatKeyed(text: string, file: string): Parsed<ReadonlyMap<string, number>> {
  // Hot path (memory.stat has ~60 lines per cgroup, read every 15 s): scan with indexOf, no per-line arrays.
  const values = new Map<string, number>();
  const problems: FileProblem[] = [];
  let no = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    no++;
    const line = text.slice(start, end);
    start = end + 1;
    const space = line.indexOf(' ');
    const value = space > 0 ? parseInteger(line.slice(space + 1)) : undefined;
    if (value !== undefined) {
      values.set(line.slice(0, space), value);
      continue;
    }
    if (line.trim() === '') continue;
    // Not the kernel's exact spelling: fall back to the tolerant field split before calling it broken.
    const [key, raw, extra] = fields(line);
    const v = parseInteger(raw);
    if (key === undefined || v === undefined || extra !== undefined) {
      problems.push({ place: `${file}:${no}`, message: `expected "<key> <integer>", got ${quote(line)}` });
      continue;
    }
    values.set(key, v);
  }
  return parsed(values, problems);
}
