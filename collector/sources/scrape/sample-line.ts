/**
 * The sample line both formats share: `name{labels} value [timestamp]`, with
 * the metric name optionally quoted inside the braces (`{"my.metric",a="b"}`)
 * as Prometheus 3 accepts for UTF-8 names. The two formats differ in how
 * forgiving they are about blanks and escapes, which `SampleSyntax` selects.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { ParseError } from './exposition-types.js';
import type { EscapeRule, LineCursor } from './line-cursor.js';

export interface SampleSyntax {
  /** Text format: blanks and tabs may surround tokens; OpenMetrics: exactly the ABNF's single spaces. */
  readonly loose: boolean;
  readonly escapes: EscapeRule;
}

export interface LabelsRead {
  /** The metric name when it was given inside the braces. */
  readonly name?: string;
  readonly labels: Labels;
  /** Label names in input order, for checks that care about order or count. */
  readonly count: number;
}

// Matches a lone UTF-16 surrogate: what an invalid UTF-8 byte sequence leaves
// behind when it is decoded without replacement.
const LONE_SURROGATE = /\p{Cs}/u;

/** A metric name at the cursor: bare, or quoted (any non-empty UTF-8 string). */
export function readMetricName(c: LineCursor, syntax: SampleSyntax): string | ParseError {
  if (c.peek() === '"') return readQuotedName(c, syntax, 'metric name');
  const name = c.readBareMetricName();
  return name === '' ? c.expected('metric name') : name;
}

function readLabelName(c: LineCursor, syntax: SampleSyntax): string | ParseError {
  if (c.peek() === '"') return readQuotedName(c, syntax, 'label name');
  const name = c.readBareLabelName();
  return name === '' ? c.expected('label name') : name;
}

function readQuotedName(c: LineCursor, syntax: SampleSyntax, what: string): string | ParseError {
  const at = c.pos;
  const name = c.readQuoted(syntax.escapes, `quoted ${what}`);
  if (typeof name !== 'string') return name;
  if (name === '') return c.error(`empty quoted ${what}`, at);
  if (LONE_SURROGATE.test(name)) return c.error(`${what} is not valid UTF-8`, at);
  return name;
}

/**
 * Reads `{...}` with the cursor on `{`. `nameAllowed` says whether a bare or
 * quoted name without `=` may stand for the metric name (only when none was
 * given before the brace).
 */
export function readLabels(c: LineCursor, syntax: SampleSyntax, nameAllowed: boolean): LabelsRead | ParseError {
  c.pos++; // '{'
  const labels: Record<string, string> = {};
  let name: string | undefined;
  let count = 0;
  for (let first = true; ; first = false) {
    if (syntax.loose) c.skipBlanks();
    // A trailing comma before `}` is fine in the text format, not in OpenMetrics.
    if (c.peek() === '}' && (first || syntax.loose)) {
      c.pos++;
      return { labels, count, ...(name === undefined ? {} : { name }) };
    }
    const nameAt = c.pos;
    const labelName = readLabelName(c, syntax);
    if (typeof labelName !== 'string') return labelName;
    if (syntax.loose) c.skipBlanks();
    if (c.peek() === '=') {
      c.pos++;
      if (syntax.loose) c.skipBlanks();
      if (c.peek() !== '"') return c.expected(`'"' to start the value of label ${JSON.stringify(labelName)}`);
      const valueAt = c.pos;
      const value = c.readQuoted(syntax.escapes, `value of label ${JSON.stringify(labelName)}`);
      if (typeof value !== 'string') return value;
      if (LONE_SURROGATE.test(value)) return c.error('label value is not valid UTF-8', valueAt);
      if (labelName === '__name__') return c.error('label name "__name__" is reserved', nameAt);
      if (Object.hasOwn(labels, labelName)) return c.error(`duplicate label name ${JSON.stringify(labelName)}`, nameAt);
      labels[labelName] = value;
      count++;
    } else if (nameAllowed && name === undefined && (c.peek() === ',' || c.peek() === '}')) {
      // `{"my.metric", a="b"}`: a name without `=` is the metric name.
      name = labelName;
    } else {
      return c.expected(`'=' after label name ${JSON.stringify(labelName)}`);
    }
    if (syntax.loose) c.skipBlanks();
    if (c.peek() === ',') {
      c.pos++;
      continue;
    }
    if (c.peek() === '}') {
      c.pos++;
      return { labels, count, ...(name === undefined ? {} : { name }) };
    }
    return c.expected("',' or '}' after a label");
  }
}
