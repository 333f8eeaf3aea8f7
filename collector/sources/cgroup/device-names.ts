/**
 * Block device names for the `device` label. cgroup files name devices by
 * `maj:min`; cAdvisor shows `/dev/<name>`, which /proc/diskstats gives us
 * (`   8       0 sda 1234 …`). Unknown devices keep their `maj:min`.
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, numberedLines, parseInteger, quote } from './text-lines.js';

export function parseDiskstatsNames(text: string, file: string): Parsed<ReadonlyMap<string, string>> {
  const names = new Map<string, string>();
  const problems: FileProblem[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    const [major, minor, name] = fields(line);
    if (parseInteger(major) === undefined || parseInteger(minor) === undefined || name === undefined) {
      problems.push({ place: `${file}:${no}`, message: `expected "<major> <minor> <device> …", got ${quote(line)}` });
      continue;
    }
    names.set(`${major}:${minor}`, `/dev/${name}`);
  }
  return parsed(names, problems);
}
