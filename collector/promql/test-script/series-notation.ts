/**
 * The series description notation shared by `load` blocks and expected
 * results: `metric{label="value"} <items…>`, as the PromQL parser's series
 * mode reads it (see unit_testing_rules.md#series). Items, separated by
 * spaces:
 *   `a`        one value; `a` is a number, `Inf`, `NaN`, a signed one, or `stale`
 *   `axN`      N+1 copies of a
 *   `a+bxN`    N+1 values a, a+b, … (b may be negative: `a-bxN`); added up
 *              step by step as Prometheus does, so rounding matches
 *   `_`, `_xN` one / N missing samples
 *   `{{…}}`, `{{…}}xN`, `{{…}}+{{…}}xN` native histograms (kept as text)
 */
import { err, ok, type Result } from '../../result.js';
import type { Labels } from '../../tsdb/interface.js';
import { parseGoNumber, parseGoUint, readQuoted } from './go-literals.js';
import type { SequenceValue } from './script-types.js';

export interface SeriesDesc {
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

/** `column` is 1-based within the text given. */
export interface NotationError {
  readonly column: number;
  readonly message: string;
}

const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const SPACE = /[ \t\r\n]/;

export function parseSeriesDesc(text: string): Result<SeriesDesc, NotationError> {
  const labels: Record<string, string> = {};
  let pos = skipSpaces(text, 0);
  METRIC_NAME.lastIndex = pos;
  const name = METRIC_NAME.exec(text);
  if (name) {
    labels['__name__'] = name[0];
    pos = METRIC_NAME.lastIndex;
  }
  if (text[pos] === '{') {
    const set = parseLabelSet(text, pos, labels);
    if (!set.ok) return set;
    pos = set.value;
  } else if (!name) {
    return err({ column: pos + 1, message: `expected a metric name or "{", got ${describe(text, pos)}` });
  }
  if (pos < text.length && !SPACE.test(text[pos] as string)) {
    return err({ column: pos + 1, message: `expected a space before the values, got ${describe(text, pos)}` });
  }
  const values = parseValues(text, pos);
  if (!values.ok) return values;
  return ok({ labels, values: values.value });
}

function parseLabelSet(text: string, open: number, labels: Record<string, string>): Result<number, NotationError> {
  let pos = open + 1;
  for (;;) {
    pos = skipSpaces(text, pos);
    if (text[pos] === '}') return ok(pos + 1);
    let labelName: string | undefined;
    const itemStart = pos;
    if (text[pos] === '"' || text[pos] === "'" || text[pos] === '`') {
      const q = readQuoted(text, pos);
      if ('error' in q) return err({ column: pos + 1, message: q.error });
      pos = skipSpaces(text, q.end);
      if (text[pos] !== '=') {
        // A lone quoted string is the metric name (UTF-8 names: {"my.metric"}).
        if (labels['__name__'] !== undefined) return err({ column: itemStart + 1, message: 'metric name given twice' });
        labels['__name__'] = q.value;
      } else labelName = q.value;
    } else {
      LABEL_NAME.lastIndex = pos;
      const m = LABEL_NAME.exec(text);
      if (!m) return err({ column: pos + 1, message: `expected a label name, got ${describe(text, pos)}` });
      labelName = m[0];
      pos = skipSpaces(text, LABEL_NAME.lastIndex);
    }
    if (labelName !== undefined) {
      if (text[pos] !== '=' || text[pos + 1] === '~') {
        return err({ column: pos + 1, message: `expected "=" after label ${labelName}, got ${describe(text, pos)}` });
      }
      pos = skipSpaces(text, pos + 1);
      const v = readQuoted(text, pos);
      if ('error' in v) return err({ column: pos + 1, message: `label ${labelName}: ${v.error}` });
      if (labels[labelName] !== undefined)
        return err({ column: itemStart + 1, message: `duplicate label ${labelName}` });
      labels[labelName] = v.value;
      pos = v.end;
    }
    pos = skipSpaces(text, pos);
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}')
      return err({ column: pos + 1, message: `expected "," or "}" in label set, got ${describe(text, pos)}` });
  }
}

function parseValues(text: string, from: number): Result<SequenceValue[], NotationError> {
  const out: SequenceValue[] = [];
  let pos = skipSpaces(text, from);
  while (pos < text.length) {
    const start = pos;
    let end: number;
    if (text.startsWith('{{', pos)) {
      const h = scanHistogramItem(text, pos);
      if (!h.ok) return h;
      end = h.value.end;
      for (let i = 0; i < h.value.count; i++) out.push({ kind: 'histogram', text: text.slice(start, end) });
    } else {
      end = pos;
      while (end < text.length && !SPACE.test(text[end] as string)) end++;
      const item = parseItem(text.slice(start, end));
      if (!item.ok) return err({ column: start + 1 + item.error.column - 1, message: item.error.message });
      out.push(...item.value);
    }
    if (end < text.length && !SPACE.test(text[end] as string)) {
      return err({ column: end + 1, message: `expected a space after a value, got ${describe(text, end)}` });
    }
    pos = skipSpaces(text, end);
  }
  return ok(out);
}

/** One space-free item that is not a histogram. Columns are relative to the item. */
export function parseItem(item: string): Result<SequenceValue[], NotationError> {
  if (item === '_') return ok([{ kind: 'omitted' }]);
  if (item.startsWith('_')) {
    const n = item[1] === 'x' ? parseGoUint(item.slice(2)) : undefined;
    if (n === undefined)
      return err({ column: 1, message: `invalid blank item ${JSON.stringify(item)}: expected "_" or "_xN"` });
    return ok(Array.from({ length: n }, () => ({ kind: 'omitted' }) as const));
  }
  const first = readValue(item, 0, false);
  if (!first.ok) return first;
  let pos = first.value.end;
  if (pos === item.length) return ok([first.value.value]);
  let step = 0;
  if (item[pos] === '+' || item[pos] === '-') {
    const inc = readValue(item, pos, true);
    if (!inc.ok) return inc;
    const incValue = inc.value.value;
    step = incValue.kind === 'float' ? incValue.v : NaN;
    pos = inc.value.end;
  }
  if (item[pos] !== 'x')
    return err({ column: pos + 1, message: `expected "x" and a count, got ${describe(item, pos)}` });
  const n = parseGoUint(item.slice(pos + 1));
  if (n === undefined)
    return err({ column: pos + 2, message: `invalid repetition count ${JSON.stringify(item.slice(pos + 1))}` });
  const out: SequenceValue[] = [];
  let current: SequenceValue = first.value.value;
  for (let i = 0; i <= n; i++) {
    out.push(current);
    // Prometheus adds the increment step by step; doing the same keeps float rounding identical.
    const base = current.kind === 'float' ? current.v : NaN;
    current = { kind: 'float', v: base + step };
  }
  return ok(out);
}

/** A number, `Inf`/`NaN` (any case), optionally signed, or `stale` (unsigned); `signRequired` for increments. */
function readValue(
  item: string,
  pos: number,
  signRequired: boolean,
): Result<{ value: SequenceValue; end: number }, NotationError> {
  let i = pos;
  const sign = item[i] === '+' || item[i] === '-' ? item[i] : '';
  if (sign) i++;
  else if (signRequired) return err({ column: i + 1, message: 'expected "+" or "-"' });
  const rest = item.slice(i);
  const word = /^[a-zA-Z_][a-zA-Z0-9_:]*/.exec(rest);
  if (word) {
    const w = word[0];
    const end = i + w.length;
    if (w === 'stale' && !sign && !signRequired) return ok({ value: { kind: 'stale' }, end });
    const lower = w.toLowerCase();
    if (lower === 'inf' || lower === 'nan') {
      const v = lower === 'nan' ? NaN : sign === '-' ? -Infinity : Infinity;
      return ok({ value: { kind: 'float', v }, end });
    }
    return err({
      column: i + 1,
      message: `unexpected ${JSON.stringify(w)} in series values (expected a number, Inf, NaN, stale or _)`,
    });
  }
  const num = /^(?:\d|\.\d)[\d._eE]*(?:(?<=[eE])[+-][\d._]*)?/.exec(rest);
  if (!num) return err({ column: i + 1, message: `expected a number, got ${describe(item, i)}` });
  const end = i + num[0].length;
  const after = item[end];
  if (after !== undefined && after !== 'x' && /[a-zA-Z0-9_]/.test(after)) {
    return err({ column: i + 1, message: `bad number syntax: ${JSON.stringify(item.slice(i, end + 1))}` });
  }
  const v = parseGoNumber(num[0]);
  if (v === undefined) return err({ column: i + 1, message: `error parsing number ${JSON.stringify(num[0])}` });
  return ok({ value: { kind: 'float', v: sign === '-' ? -v : v }, end });
}

/** `{{…}}`, `{{…}}xN` or `{{…}}±{{…}}xN`: how many positions it fills and where it ends. */
function scanHistogramItem(text: string, start: number): Result<{ end: number; count: number }, NotationError> {
  const first = closeHistogram(text, start);
  if (!first.ok) return first;
  let pos = first.value;
  if (text[pos] === '+' || text[pos] === '-') {
    if (!text.startsWith('{{', pos + 1))
      return err({ column: pos + 2, message: 'expected "{{" after the histogram increment sign' });
    const second = closeHistogram(text, pos + 1);
    if (!second.ok) return second;
    pos = second.value;
    if (text[pos] !== 'x')
      return err({ column: pos + 1, message: 'expected "x" and a count after a histogram increment' });
  }
  if (text[pos] !== 'x') return ok({ end: pos, count: 1 });
  const m = /^\d+/.exec(text.slice(pos + 1));
  const n = m ? parseGoUint(m[0]) : undefined;
  if (n === undefined || !m) return err({ column: pos + 2, message: 'expected a repetition count after "x"' });
  return ok({ end: pos + 1 + m[0].length, count: n + 1 });
}

function closeHistogram(text: string, open: number): Result<number, NotationError> {
  const close = text.indexOf('}}', open + 2);
  if (close < 0) return err({ column: open + 1, message: 'histogram description incomplete: missing "}}"' });
  return ok(close + 2);
}

function skipSpaces(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && SPACE.test(text[p] as string)) p++;
  return p;
}

function describe(text: string, pos: number): string {
  return pos >= text.length ? 'end of line' : JSON.stringify(text.slice(pos, pos + 10));
}
