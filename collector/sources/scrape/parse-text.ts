/**
 * Prometheus text exposition format 0.0.4, with the semantics of
 * prometheus/common's expfmt TextParser: blanks and tabs between tokens,
 * `#` comments (HELP and TYPE are the only meaningful ones), at most one HELP
 * and one TYPE per family and TYPE before the family's first sample, integer
 * millisecond timestamps, and every line (the last one included) ended by a
 * new-line. Newer Prometheus' quoted UTF-8 names (`{"my.metric"}`) are accepted.
 * With `validation: 'structure'` the family rules relax to what Prometheus'
 * scraper does (see ExpositionOptions); the line syntax stays the same.
 */
import type { Labels } from '../../tsdb/interface.js';
import { err, ok, type Result } from '../../result.js';
import type { MetricMeta, MetricType } from '../source.js';
import {
  ParseError,
  describeFound,
  type ExposedSample,
  type ExpositionOptions,
  type ParsedExposition,
} from './exposition-types.js';
import { LineCursor } from './line-cursor.js';
import { parseTextFloat, parseTextTimestamp } from './number-syntax.js';
import { readLabels, readMetricName, type SampleSyntax } from './sample-line.js';

const SYNTAX: SampleSyntax = { loose: true, escapes: 'strict' };

// The type names expfmt knows (compared case-insensitively); the gauge
// histogram spellings are expfmt's, the Prometheus scraper does not take them.
const TEXT_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
  gaugehistogram: 'gaugehistogram',
  gauge_histogram: 'gaugehistogram',
};

interface Family {
  readonly name: string;
  type?: MetricType;
  typeGiven: boolean;
  help?: string;
}

class TextParser {
  private readonly families = new Map<string, Family>();
  private readonly resolved = new Map<string, Family>();
  readonly samples: ExposedSample[] = [];

  /** `strict`: a second HELP or TYPE, or a TYPE after the samples, is an error (else the first one counts). */
  constructor(private readonly strict: boolean) {}

  /** The family a name belongs to: its own, or a summary/histogram that `_sum`, `_count` or `_bucket` extends. */
  family(name: string): Family {
    const own = this.families.get(name);
    if (own) return own;
    const resolved = this.resolved.get(name);
    // A TYPE line can turn a base name into a histogram later, so only
    // resolutions onto a typed family are remembered.
    if (resolved) return resolved;
    const suffix = /_(?:sum|count|bucket)$/.exec(name);
    if (suffix) {
      const base = this.families.get(name.slice(0, suffix.index));
      const isBucket = suffix[0] === '_bucket';
      const histogram = base?.type === 'histogram' || base?.type === 'gaugehistogram';
      if (base && ((base.type === 'summary' && !isBucket) || (histogram && base.typeGiven))) {
        this.resolved.set(name, base);
        return base;
      }
    }
    const created: Family = { name, typeGiven: false };
    this.families.set(name, created);
    return created;
  }

  metadata(): MetricMeta[] {
    const out: MetricMeta[] = [];
    for (const f of this.families.values()) {
      if (!f.typeGiven && f.help === undefined) continue;
      out.push({ name: f.name, type: f.type ?? 'unknown', help: f.help ?? '' });
    }
    return out;
  }

  line(c: LineCursor): ParseError | undefined {
    c.skipBlanks();
    if (c.done) return undefined;
    if (c.peek() === '#') return this.comment(c);
    return this.sample(c);
  }

  private comment(c: LineCursor): ParseError | undefined {
    c.pos++;
    c.skipBlanks();
    const keyword = c.readToken();
    if ((keyword !== 'HELP' && keyword !== 'TYPE') || c.done) return undefined; // a plain comment
    c.skipBlanks();
    if (c.done) return undefined;
    const name = readMetricName(c, SYNTAX);
    if (typeof name !== 'string') return c.error(`invalid metric name in ${keyword} line: ${name.detail}`);
    if (c.done) return undefined;
    if (c.peek() !== ' ' && c.peek() !== '\t') return c.expected(`a blank after the metric name in ${keyword} line`);
    const family = this.family(name);
    c.skipBlanks();
    if (c.done) return undefined;
    return keyword === 'HELP' ? this.help(c, family) : this.type(c, family);
  }

  private help(c: LineCursor, family: Family): ParseError | undefined {
    if (family.help !== undefined) {
      if (!this.strict) return undefined;
      return c.error(`second HELP line for metric ${JSON.stringify(family.name)}`, 0);
    }
    const text = unescapeHelp(c);
    if (text instanceof ParseError) return text;
    family.help = text;
    return undefined;
  }

  private type(c: LineCursor, family: Family): ParseError | undefined {
    if (family.typeGiven || (this.strict && family.type !== undefined)) {
      if (!this.strict) return undefined;
      return c.error(`second TYPE line for metric ${JSON.stringify(family.name)}, or TYPE after its samples`, 0);
    }
    const word = c.rest();
    const type = TEXT_TYPES[word.toLowerCase()];
    if (type === undefined) return c.error(`unknown metric type ${describeFound(word)}`);
    family.type = type;
    family.typeGiven = true;
    return undefined;
  }

  private sample(c: LineCursor): ParseError | undefined {
    let name: string | undefined;
    if (c.peek() !== '{') {
      const read = readMetricName(c, SYNTAX);
      if (typeof read !== 'string') return read;
      name = read;
      c.skipBlanks();
    }
    let labels: Labels = {};
    if (c.peek() === '{') {
      const braceAt = c.pos;
      const read = readLabels(c, SYNTAX, name === undefined);
      if (read instanceof ParseError) return read;
      if (name === undefined) name = read.name;
      if (name === undefined) return c.error('missing metric name', braceAt);
      labels = read.labels;
      c.skipBlanks();
    }
    if (name === undefined) return c.expected('metric name');
    const family = this.family(name);
    family.type ??= 'unknown'; // from here on a TYPE line for it is too late
    const bad = this.strict ? checkSpecialLabels(family, labels) : undefined;
    if (bad !== undefined) return c.error(bad, 0);

    const valueAt = c.pos;
    const valueToken = c.readToken();
    const value = parseTextFloat(valueToken);
    if (value === undefined) return c.error(`expected float as value, got ${describeFound(valueToken)}`, valueAt);
    const negative = this.strict ? checkHistogramValue(family, name, value) : undefined;
    if (negative !== undefined) return c.error(negative, valueAt);
    let t: number | undefined;
    // expfmt refuses blanks at the end of a sample line; Prometheus' scraper
    // does not, so 'structure' lets them through.
    if (!this.strict) c.skipBlanks();
    if (!c.done) {
      c.skipBlanks();
      const tsAt = c.pos;
      const tsToken = c.readToken();
      t = parseTextTimestamp(tsToken);
      if (t === undefined) return c.error(`expected integer timestamp (ms), got ${describeFound(tsToken)}`, tsAt);
      if (!this.strict) c.skipBlanks();
      if (!c.done) return c.error(`unexpected text after timestamp: ${describeFound(c.rest())}`);
    }
    this.samples.push({ labels: { __name__: name, ...labels }, value, ...(t === undefined ? {} : { t }) });
    return undefined;
  }
}

/** expfmt refuses negative counts and bucket populations in histograms. */
function checkHistogramValue(family: Family, name: string, value: number): string | undefined {
  if ((family.type !== 'histogram' && family.type !== 'gaugehistogram') || !(value < 0)) return undefined;
  if (name === `${family.name}_count`) return `negative count for histogram ${JSON.stringify(family.name)}`;
  if (name === `${family.name}_bucket`)
    return `negative bucket population for histogram ${JSON.stringify(family.name)}`;
  return undefined;
}

/** expfmt insists that `quantile` of a summary and `le` of a histogram are floats. */
function checkSpecialLabels(family: Family, labels: Labels): string | undefined {
  const histogram = family.type === 'histogram' || family.type === 'gaugehistogram';
  const special = family.type === 'summary' ? 'quantile' : histogram ? 'le' : undefined;
  if (special === undefined) return undefined;
  const v = labels[special];
  if (v === undefined || parseTextFloat(v) !== undefined) return undefined;
  return `expected float as value for '${special}' label, got ${describeFound(v)}`;
}

/** HELP text: `\\`, `\n` and `\"` are escapes; any other backslash sequence is an error. */
function unescapeHelp(c: LineCursor): string | ParseError {
  const s = c.rest();
  const start = c.pos;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '\\' || next === '"') out += next;
    else if (next === 'n') out += '\n';
    else return c.error(`invalid escape sequence ${describeFound('\\' + (next ?? ''))} in HELP`, start + i);
    i++;
  }
  return out;
}

/**
 * Parses a whole text-format exposition. The first bad line rejects the whole
 * input, as Prometheus does: a scrape is all or nothing.
 *
 * @example
 * const r = parseText('# TYPE up gauge\nup{job="node"} 1\n');
 * if (r.ok) r.value.samples[0]; // { labels: { __name__: 'up', job: 'node' }, value: 1 }
 */
export function parseText(text: string, options: ExpositionOptions = {}): Result<ParsedExposition, ParseError> {
  const parser = new TextParser(options.validation !== 'structure');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const problem = parser.line(new LineCursor(lines[i] as string, i + 1));
    if (problem) return err(problem);
  }
  // Checked after the last line's own syntax, whose error says more.
  if (/[^ \t]/.test(lines[lines.length - 1] as string)) {
    return err(new ParseError(lines.length, 'unexpected end of input: the last line must end with a new-line'));
  }
  return ok({ format: 'text', samples: parser.samples, metadata: parser.metadata() });
}
