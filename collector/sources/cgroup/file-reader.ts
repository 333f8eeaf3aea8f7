/**
 * Reads the files of many cgroups (see read-sync.ts for how) and collects
 * the problems met. An absent file is silent (controller not enabled, cgroup
 * gone); an unreadable or garbled one is a problem naming the file (and line).
 */
import type { Parsed } from './parsed.js';
import { describeError, isAbsent } from './read-file.js';
import type { RawFiles } from './read-sync.js';
import type { FileProblem } from './text-lines.js';

export class FileReader {
  readonly problems: FileProblem[] = [];

  constructor(private readonly files: RawFiles) {}

  /** The text of file `name` in `dir`, or undefined when it is absent or unreadable (the latter is recorded). */
  text(dir: string, name: string): string | undefined {
    const r = this.files.text(dir, name);
    if (r.ok) return r.value;
    if (!isAbsent(r.error)) this.problems.push({ place: `${dir}/${name}`, message: describeError(r.error) });
    return undefined;
  }

  /** Reads and parses file `name` in `dir`; undefined when absent or unreadable. */
  parse<T>(dir: string, name: string, parser: (text: string, file: string) => Parsed<T>): T | undefined {
    const text = this.text(dir, name);
    if (text === undefined) return undefined;
    // The path as the parser's place for problems: a concatenation V8 keeps unflattened until a problem prints it.
    const p = parser(text, `${dir}/${name}`);
    if (p.problems.length > 0) this.problems.push(...p.problems);
    return p.value;
  }

  /** Modification time of `dir` in ms, or undefined. */
  mtimeMs(dir: string): number | undefined {
    const r = this.files.mtimeMs(dir);
    if (r.ok) return r.value;
    if (!isAbsent(r.error)) this.problems.push({ place: dir, message: describeError(r.error) });
    return undefined;
  }
}

/** Number of non-empty lines: the entries of cgroup.procs. */
export function countLines(text: string): number {
  let n = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', start)) {
    const end = i === -1 ? text.length : i;
    if (end > start) n++;
    if (i === -1) return n;
    start = i + 1;
  }
}
