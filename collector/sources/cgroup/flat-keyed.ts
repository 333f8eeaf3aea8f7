/**
 * The kernel's "flat keyed" cgroup files: one `key value` pair per line.
 * cpu.stat, cpuacct.stat, memory.stat, memory.events and memory.oom_control
 * all have this shape (cgroup-v2.rst, "Interface Files" → "Format").
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, integerAt, parseInteger, quote } from './text-lines.js';

/**
 * All pairs, or with `wanted` only those keys: memory.stat has ~60 lines per
 * cgroup and we use five, so the others are skipped unread (and unchecked).
 */
export function parseFlatKeyed(
  text: string,
  file: string,
  wanted?: ReadonlySet<string>,
  lengths: ReadonlySet<number> | undefined = wanted && keyLengths(wanted),
): Parsed<ReadonlyMap<string, number>> {
  // Hot path (every cgroup, every 15 s): scan with indexOf, no per-line arrays; a key whose length no
  // wanted key has is skipped before it is cut out (memory.stat: ~60 lines, ~4 wanted).
  const values = new Map<string, number>();
  const problems: FileProblem[] = [];
  let no = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    no++;
    const lineStart = start;
    start = end + 1;
    const space = text.indexOf(' ', lineStart);
    if (space > lineStart && space < end) {
      if (lengths && !lengths.has(space - lineStart)) continue;
      const key = text.slice(lineStart, space);
      if (wanted && !wanted.has(key)) continue;
      const value = integerAt(text, space + 1, end);
      if (value !== undefined) {
        values.set(key, value);
        continue;
      }
    }
    const line = text.slice(lineStart, end);
    if (line.trim() === '') continue;
    // Not the kernel's exact spelling: fall back to the tolerant field split before calling it broken.
    const [key, raw, extra] = fields(line);
    const v = parseInteger(raw);
    if (key === undefined || v === undefined || extra !== undefined) {
      problems.push({ place: `${file}:${no}`, message: `expected "<key> <integer>", got ${quote(line)}` });
      continue;
    }
    if (!wanted || wanted.has(key)) values.set(key, v);
  }
  return parsed(values, problems);
}

const keyLengths = (wanted: ReadonlySet<string>): ReadonlySet<number> => new Set([...wanted].map((k) => k.length));

/** A parser for parseFlatKeyed that keeps only `keys` (one Set for all calls: it runs for every cgroup). */
export const flatKeys = (...keys: string[]): ((text: string, file: string) => Parsed<ReadonlyMap<string, number>>) => {
  const wanted: ReadonlySet<string> = new Set(keys);
  const lengths = keyLengths(wanted);
  return (text, file) => parseFlatKeyed(text, file, wanted, lengths);
};
