/**
 * Parses a PromQL test script into commands, following promqltest's reader:
 * every line is trimmed, a line starting with `#` counts as blank, and a
 * blank line ends a `load` or `eval` block. Errors name `file:line`.
 */
import { parseDuration } from '../../config/duration.js';
import { err, ok, type Result } from '../../result.js';
import { parseEval } from './parse-eval.js';
import { labelKey } from './label-set.js';
import { ScriptError, type LoadCommand, type LoadedSeries, type Script, type ScriptCommand } from './script-types.js';
import { parseSeriesDesc } from './series-notation.js';
import { parseStartTimestamps, type StartTimestampLine } from './start-timestamps.js';

const LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;

/** A script's lines as promqltest sees them: trimmed, comments blanked. Index 0 is line 1. */
export function scriptLines(text: string): string[] {
  return text.split('\n').map((raw) => {
    const l = raw.trim();
    return l.startsWith('#') ? '' : l;
  });
}

export function parseScript(file: string, text: string): Result<Script, ScriptError> {
  const lines = scriptLines(text);
  const commands: ScriptCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l === '') continue;
    const word = (l.split(/[\t ]+/, 1)[0] as string).toLowerCase();
    let parsed: Result<{ next: number; cmd: ScriptCommand }, string>;
    if (word === 'clear') parsed = ok({ next: i, cmd: { kind: 'clear', line: i + 1 } });
    else if (word.startsWith('load')) parsed = parseLoad(lines, i);
    else if (word.startsWith('eval')) parsed = parseEval(lines, i);
    else parsed = err(`${i + 1}: invalid command ${JSON.stringify(l)}`);
    if (!parsed.ok) return err(new ScriptError(`${file}:${parsed.error}`));
    commands.push(parsed.value.cmd);
    i = parsed.value.next;
  }
  return ok({ file, commands });
}

/** Errors come back as `line: message` (1-based) so the caller can prefix the file. */
function parseLoad(lines: readonly string[], at: number): Result<{ next: number; cmd: LoadCommand }, string> {
  const m = LOAD.exec(lines[at] as string);
  if (!m) return err(`${at + 1}: invalid load command (expected "load[_with_nhcb] <step>")`);
  const stepMs = parseDuration(m[2] as string);
  if (stepMs === undefined) return err(`${at + 1}: invalid step definition ${JSON.stringify(m[2])}: not a duration`);
  const series: LoadedSeries[] = [];
  let defaultSt: StartTimestampLine | undefined;
  let pending: StartTimestampLine | undefined;
  let i = at;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const line = lines[i] as string;
    const st = parseStartTimestamps(line, i + 1);
    if (st !== undefined) {
      if (!st.ok) return st;
      if (pending) return err(`${pending.line}: @st line has no following sample line`);
      if (st.value.labels === undefined) defaultSt = st.value;
      else pending = st.value;
      continue;
    }
    const desc = parseSeriesDesc(line);
    if (!desc.ok) return err(`${i + 1}:${desc.error.column}: ${desc.error.message}`);
    if (pending) {
      if (labelKey(pending.labels ?? {}) !== labelKey(desc.value.labels)) {
        return err(`${pending.line}: @st metric does not match the following sample line metric`);
      }
      if (pending.offsetsMs.length !== desc.value.values.length) {
        return err(
          `${pending.line}: @st line has ${pending.offsetsMs.length} values but sample line has ${desc.value.values.length}`,
        );
      }
    }
    const st0 = pending ?? defaultSt;
    const startTimestamps = st0 !== undefined && st0.offsetsMs.some((o) => o !== undefined);
    series.push({ line: i + 1, labels: desc.value.labels, values: desc.value.values, startTimestamps });
    pending = undefined;
  }
  if (pending) return err(`${pending.line}: @st line has no following sample line`);
  return ok({ next: i, cmd: { kind: 'load', line: at + 1, stepMs, withNhcb: m[1] === 'with_nhcb', series } });
}
