/**
 * Start-timestamp (`@st`) lines in `load` blocks:
 *   metric{labels}@st <items…>   start timestamps for the next sample line
 *   @st <items…>                 a default for the following lines of the block
 * Items are offsets from each sample's time: `_`, `_xN`, `<dur>`, `<dur>xN`,
 * `<dur>±<dur>xN`, `*`, `*xN` (durations may be negative: `-30s`).
 *
 * Our store's Appender has no start timestamp, so we only parse these to
 * know which series carry one; evaluations that read them are skipped.
 */
import { parseDuration } from '../../config/duration.js';
import { err, ok, type Result } from '../../result.js';
import type { Labels } from '../../tsdb/interface.js';
import { parseSeriesDesc } from './series-notation.js';

export interface StartTimestampLine {
  readonly line: number;
  /** undefined for a standalone default line. */
  readonly labels: Labels | undefined;
  /** Offset per position in ms; undefined where omitted. */
  readonly offsetsMs: readonly (number | undefined)[];
}

/** undefined when `line` is not an `@st` line; otherwise the parse result (errors as `line: message`). */
export function parseStartTimestamps(line: string, lineNo: number): Result<StartTimestampLine, string> | undefined {
  const space = line.search(/[ \t]/);
  if (space < 0 || !line.slice(0, space).endsWith('@st')) return undefined;
  const metricPart = line.slice(0, space - '@st'.length);
  const offsets: (number | undefined)[] = [];
  for (const item of line
    .slice(space + 1)
    .trim()
    .split(/[ \t]+/)) {
    const prev = [...offsets].reverse().find((o) => o !== undefined) ?? 0;
    const vals = parseItem(item, prev);
    if (typeof vals === 'string')
      return err(`${lineNo}: invalid @st sequence: invalid ST item ${JSON.stringify(item)}: ${vals}`);
    offsets.push(...vals);
  }
  if (metricPart === '') return ok({ line: lineNo, labels: undefined, offsetsMs: offsets });
  const desc = parseSeriesDesc(`${metricPart} _`);
  if (!desc.ok) return err(`${lineNo}: invalid @st line metric ${JSON.stringify(metricPart)}: ${desc.error.message}`);
  return ok({ line: lineNo, labels: desc.value.labels, offsetsMs: offsets });
}

function parseItem(item: string, prev: number): (number | undefined)[] | string {
  if (item === '_') return [undefined];
  if (item.startsWith('_x')) {
    const n = count(item.slice(2));
    return n === undefined || n === 0 ? 'invalid repeat count' : Array.from({ length: n }, () => undefined);
  }
  if (item === '*') return [prev];
  if (item.startsWith('*x')) {
    const n = count(item.slice(2));
    return n === undefined ? 'invalid repeat count' : Array.from({ length: n + 1 }, () => prev);
  }
  const base = durationPrefix(item);
  if (typeof base === 'string') return base;
  const rest = item.slice(base.length);
  if (rest === '') return [base.ms];
  if (rest[0] === 'x') {
    const n = count(rest.slice(1));
    return n === undefined ? 'invalid repeat count' : Array.from({ length: n + 1 }, () => base.ms);
  }
  if (rest[0] !== '+' && rest[0] !== '-') return `unexpected character ${JSON.stringify(rest[0])} after duration`;
  const delta = durationPrefix(rest.slice(1));
  if (typeof delta === 'string') return `invalid step duration: ${delta}`;
  const tail = rest.slice(1 + delta.length);
  if (!tail.startsWith('x')) return "expected 'x<count>' after step duration";
  const n = count(tail.slice(1));
  if (n === undefined) return 'invalid repeat count';
  const step = rest[0] === '-' ? -delta.ms : delta.ms;
  return Array.from({ length: n + 1 }, (_, i) => base.ms + i * step);
}

/** A signed duration at the start of `s`; `x` never belongs to it (it starts the repeat count). */
function durationPrefix(s: string): { ms: number; length: number } | string {
  const m = /^([+-]?)(\d+[a-wyzA-Z]*)/.exec(s);
  if (!m) return `expected digits in duration ${JSON.stringify(s)}`;
  const ms = parseDuration(m[2] as string);
  if (ms === undefined) return `invalid duration ${JSON.stringify(m[2])}`;
  return { ms: m[1] === '-' ? -ms : ms, length: m[0].length };
}

function count(s: string): number | undefined {
  return /^\d+$/.test(s) ? Number(s) : undefined;
}
