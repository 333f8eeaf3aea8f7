/**
 * The syntax of one OpenMetrics 1.0 line, per the ABNF in the specification:
 * single spaces between tokens, no blank lines, no trailing blanks, and only
 * HELP, TYPE, UNIT and EOF as `#` lines. Meaning (families, types, ordering)
 * is checked by openmetrics-family.ts.
 */
import type { Labels } from '../../tsdb/interface.js';
import { ParseError, describeFound } from './exposition-types.js';
import type { LineCursor } from './line-cursor.js';
import { parseOmNumber, parseOmTimestampMs } from './number-syntax.js';
import { readLabels, readMetricName, type SampleSyntax } from './sample-line.js';

const SYNTAX: SampleSyntax = { loose: false, escapes: 'keep-unknown' };
const OM_TYPES = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown'] as const;
export type OmType = (typeof OM_TYPES)[number];

/** A timestamp both as written-order value (seconds, for ordering) and in milliseconds. */
export interface OmTimestamp {
  readonly seconds: number;
  readonly ms: number;
}

export interface OmSampleLine {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly timestamp?: OmTimestamp;
  readonly exemplar?: { readonly labels: Labels; readonly value: number; readonly timestamp?: OmTimestamp };
}

export type OmDescriptor =
  | { readonly kind: 'HELP'; readonly name: string; readonly help: string }
  | { readonly kind: 'TYPE'; readonly name: string; readonly type: OmType }
  | { readonly kind: 'UNIT'; readonly name: string; readonly unit: string };

export function parseDescriptorLine(c: LineCursor): OmDescriptor | ParseError {
  if (!c.line.startsWith('# ')) return c.error('a comment line must be "# HELP", "# TYPE", "# UNIT" or "# EOF"', 0);
  c.pos = 2;
  const keyword = c.readToken();
  if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') {
    return c.error(`unknown comment keyword ${describeFound(keyword)}: expected HELP, TYPE, UNIT or EOF`, 2);
  }
  if (c.peek() !== ' ') return c.expected(`a space and a metric name after ${keyword}`);
  c.pos++;
  const name = readMetricName(c, SYNTAX);
  if (name instanceof ParseError) return name;
  if (c.peek() !== ' ') return c.expected(`a space after the metric name in the ${keyword} line`);
  c.pos++;
  const rest = c.rest();
  switch (keyword) {
    case 'HELP':
      return { kind: 'HELP', name, help: unescapeOmHelp(rest) };
    case 'TYPE': {
      const type = OM_TYPES.find((t) => t === rest);
      if (type === undefined) return c.error(`unknown metric type ${describeFound(rest)}`);
      return { kind: 'TYPE', name, type };
    }
    case 'UNIT':
      if (!/^[a-zA-Z0-9_:]*$/.test(rest)) return c.error(`invalid unit ${describeFound(rest)}`);
      return { kind: 'UNIT', name, unit: rest };
  }
}

/** HELP text: `\\`, `\n`, `\"` are escapes; other backslashes stay as written. */
function unescapeOmHelp(s: string): string {
  return s.replace(/\\([\\n"])/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch));
}

export function parseSampleLine(c: LineCursor): OmSampleLine | ParseError {
  let name: string | undefined;
  if (c.peek() !== '{') {
    const read = readMetricName(c, SYNTAX);
    if (read instanceof ParseError) return read;
    name = read;
  }
  let labels: Labels = {};
  if (c.peek() === '{') {
    const braceAt = c.pos;
    const read = readLabels(c, SYNTAX, name === undefined);
    if (read instanceof ParseError) return read;
    name ??= read.name;
    if (name === undefined) return c.error('missing metric name', braceAt);
    labels = read.labels;
  }
  if (name === undefined) return c.expected('metric name');
  if (!takeSpace(c)) return c.expected('a single space before the value');
  const value = readNumber(c, 'value');
  if (value instanceof ParseError) return value;
  if (c.done) return { name, labels, value };
  if (!takeSpace(c)) return c.expected('a space, then a timestamp or an exemplar');
  let timestamp: OmTimestamp | undefined;
  if (c.peek() !== '#') {
    const ts = readTimestamp(c);
    if (ts instanceof ParseError) return ts;
    timestamp = ts;
    if (c.done) return { name, labels, value, timestamp };
    if (!takeSpace(c) || c.peek() !== '#') return c.expected('end of line or " # " and an exemplar');
  }
  const exemplar = parseExemplar(c);
  if (exemplar instanceof ParseError) return exemplar;
  return { name, labels, value, ...(timestamp ? { timestamp } : {}), exemplar };
}

/** ` # {labels} value [timestamp]` with the cursor on `#`. */
function parseExemplar(c: LineCursor): NonNullable<OmSampleLine['exemplar']> | ParseError {
  c.pos++; // '#'
  if (!takeSpace(c) || c.peek() !== '{') return c.expected('" {" to start the exemplar labels');
  const read = readLabels(c, SYNTAX, false);
  if (read instanceof ParseError) return read;
  if (!takeSpace(c)) return c.expected('a space before the exemplar value');
  const value = readNumber(c, 'exemplar value');
  if (value instanceof ParseError) return value;
  if (c.done) return { labels: read.labels, value };
  if (!takeSpace(c)) return c.expected('a space before the exemplar timestamp');
  const timestamp = readTimestamp(c);
  if (timestamp instanceof ParseError) return timestamp;
  if (!c.done) return c.expected('end of line after the exemplar');
  return { labels: read.labels, value, timestamp };
}

function takeSpace(c: LineCursor): boolean {
  if (c.peek() !== ' ') return false;
  c.pos++;
  return true;
}

function readUntilSpace(c: LineCursor): string {
  const start = c.pos;
  while (!c.done && c.peek() !== ' ') c.pos++;
  return c.line.slice(start, c.pos);
}

function readNumber(c: LineCursor, what: string): number | ParseError {
  const at = c.pos;
  const token = readUntilSpace(c);
  const v = parseOmNumber(token);
  return v === undefined ? c.error(`expected a number as ${what}, got ${describeFound(token)}`, at) : v;
}

function readTimestamp(c: LineCursor): OmTimestamp | ParseError {
  const at = c.pos;
  const token = readUntilSpace(c);
  const ms = parseOmTimestampMs(token);
  if (ms === undefined) return c.error(`expected a timestamp in seconds, got ${describeFound(token)}`, at);
  return { seconds: Number(token), ms };
}
