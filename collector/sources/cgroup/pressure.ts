/**
 * cgroup v2 pressure stall information (`cpu.pressure`, `memory.pressure`,
 * `io.pressure`), the same syntax as the host's /proc/pressure/*:
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=115056064
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=29254180
 * `total` is cumulative stall time in microseconds. `some` is time in which at
 * least one task waited, `full` time in which all non-idle tasks were stalled.
 * irq.pressure has only a `full` line, and old kernels' cpu.pressure only `some`.
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { integerAt, numberedLines, parseInteger, quote } from './text-lines.js';

export interface Pressure {
  readonly someTotalUs?: number;
  readonly fullTotalUs?: number;
}

/** The kernel's exact lines read in place, or undefined for anything else (then parsePressure's careful path). */
function fastPressure(text: string): Pressure | undefined {
  let someTotalUs: number | undefined;
  let fullTotalUs: number | undefined;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const some = text.startsWith('some ', start);
    if (!some && !text.startsWith('full ', start)) return undefined;
    const at = text.indexOf(' total=', start);
    if (at === -1 || at > end) return undefined;
    const micros = integerAt(text, at + 7, end);
    if (micros === undefined) return undefined;
    if (some) someTotalUs = micros;
    else fullTotalUs = micros;
    start = end + 1;
  }
  if (someTotalUs === undefined && fullTotalUs === undefined) return undefined;
  const p: { someTotalUs?: number; fullTotalUs?: number } = {};
  if (someTotalUs !== undefined) p.someTotalUs = someTotalUs;
  if (fullTotalUs !== undefined) p.fullTotalUs = fullTotalUs;
  return p;
}

export function parsePressure(text: string, file: string): Parsed<Pressure> {
  const fast = fastPressure(text);
  if (fast) return parsed(fast);
  const problems: FileProblem[] = [];
  let someTotalUs: number | undefined;
  let fullTotalUs: number | undefined;
  for (const { no, text: line } of numberedLines(text)) {
    const kind = line.slice(0, 4);
    const at = line.indexOf(' total=');
    const micros = at === -1 ? undefined : parseInteger(line.slice(at + 7).trimEnd());
    if ((kind !== 'some' && kind !== 'full') || line[4] !== ' ' || micros === undefined) {
      problems.push({
        place: `${file}:${no}`,
        message: `expected "some|full avg10=… avg60=… avg300=… total=<µs>", got ${quote(line)}`,
      });
      continue;
    }
    if (kind === 'some') someTotalUs = micros;
    else fullTotalUs = micros;
  }
  return parsed(
    { ...(someTotalUs !== undefined && { someTotalUs }), ...(fullTotalUs !== undefined && { fullTotalUs }) },
    problems,
  );
}
