/**
 * The meaning of an OpenMetrics 1.0 exposition beyond line syntax: which
 * sample names a family's TYPE allows, which names clash between families,
 * that families and metrics are not interleaved, that timestamps of one series
 * go forward, and what each type demands of values and labels.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { MetricMeta } from '../source.js';
import type { OmDescriptor, OmSampleLine, OmType } from './openmetrics-line.js';
import { addBucket, finishHistogramPoint, newPoint, type PointState } from './openmetrics-point.js';
import { parseOmNumber } from './number-syntax.js';

const SUFFIXES: Readonly<Record<OmType, readonly string[]>> = {
  counter: ['_total', '_created'],
  summary: ['', '_count', '_sum', '_created'],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  info: ['_info'],
  gauge: [''],
  stateset: [''],
  unknown: [''],
};
const MAX_EXEMPLAR_RUNES = 128;

interface Family {
  readonly name: string;
  type: OmType;
  typeGiven: boolean;
  help?: string;
  unit?: string;
  sampled: boolean;
  group?: string;
  /** Timestamp (seconds, null: none) of the group's previous sample; undefined at a group's start. */
  groupTs?: number | null;
  /** Series and timestamps seen in the current group, to pass over exact repeats (strict mode). */
  readonly groupSeries: Set<string>;
  readonly finishedGroups: Set<string>;
  readonly points: Map<string, PointState>;
}

/** A problem and the line it belongs to (when not the current one). */
export interface Problem {
  readonly message: string;
  readonly lineNo?: number;
}

export class OmFamilies {
  private current?: Family;
  private readonly claimed = new Map<string, string>(); // sample or family name → owning family
  private readonly all: Family[] = [];
  private readonly byName = new Map<string, Family>();

  /**
   * `strict` applies every rule of the specification. Without it only what
   * Prometheus' scraper checks remains (line syntax, `# EOF`, units as name
   * suffixes): families may be interleaved or repeat their metadata, values
   * and labels are not held to their type, and the samples still come out
   * with their metadata and created timestamps.
   */
  constructor(
    private readonly strict: boolean,
    private readonly setCreated: (sampleIndex: number, createdMs: number) => void,
  ) {}

  metadata(): MetricMeta[] {
    return this.all
      .filter((f) => f.typeGiven || f.help !== undefined || f.unit !== undefined)
      .map((f) => ({ name: f.name, type: f.type, help: f.help ?? '', ...(f.unit ? { unit: f.unit } : {}) }));
  }

  descriptor(d: OmDescriptor): Problem | undefined {
    let f = this.current;
    if (f === undefined || f.name !== d.name) {
      const done = this.finish();
      if (done) return done;
      const known = this.strict ? undefined : this.byName.get(d.name);
      const started = known ?? this.start(d.name);
      if ('message' in started) return started;
      f = started;
      this.current = f;
    } else if (f.sampled && this.strict) {
      return { message: `${d.kind} for ${JSON.stringify(d.name)} after its samples` };
    }
    const field = d.kind === 'HELP' ? f.help : d.kind === 'UNIT' ? f.unit : f.typeGiven ? f.type : undefined;
    if (field !== undefined) {
      return this.strict ? { message: `second ${d.kind} line for ${JSON.stringify(d.name)}` } : undefined;
    }
    if (d.kind === 'HELP') f.help = d.help;
    else if (d.kind === 'UNIT') f.unit = d.unit;
    else return this.setType(f, d.type);
    return undefined;
  }

  /** Takes one sample line; `index` is where the caller stored it. */
  sample(s: OmSampleLine, index: number, lineNo: number): Problem | undefined {
    let f = this.current;
    if (f === undefined || !SUFFIXES[f.type].some((x) => f!.name + x === s.name)) {
      const done = this.finish();
      if (done) return done;
      const owner = this.claimed.get(s.name);
      const known = owner === undefined ? undefined : this.byName.get(owner);
      if (known && this.strict) {
        return {
          message: `${JSON.stringify(s.name)} belongs to family ${JSON.stringify(owner)}, whose samples must be together`,
        };
      }
      const started = known ?? this.start(s.name);
      if ('message' in started) return started;
      f = started;
      this.current = f;
    }
    f.sampled = true;
    const suffix = s.name.slice(f.name.length);
    const bad = this.strict ? (checkLabels(f, suffix, s) ?? checkValue(f, suffix, s)) : undefined;
    if (bad) return { message: bad };
    return this.place(f, suffix, s, index, lineNo);
  }

  /** Ends the exposition. */
  end(): Problem | undefined {
    const done = this.finish();
    if (done || this.strict) return done;
    // Interleaved families keep their open points until the end (see finish).
    for (const f of this.all) this.finishGroup(f);
    return undefined;
  }

  private start(name: string): Family | Problem {
    const owner = this.claimed.get(name);
    if (owner !== undefined && this.strict) {
      return { message: `family ${JSON.stringify(name)} clashes with family ${JSON.stringify(owner)}` };
    }
    const f: Family = {
      name,
      type: 'unknown',
      typeGiven: false,
      sampled: false,
      finishedGroups: new Set(),
      points: new Map(),
      groupSeries: new Set(),
    };
    this.claimed.set(name, name);
    this.byName.set(name, f);
    this.all.push(f);
    this.current = f;
    return f;
  }

  private setType(f: Family, type: OmType): Problem | undefined {
    for (const suffix of SUFFIXES[type]) {
      const owner = this.claimed.get(f.name + suffix);
      if (owner !== undefined && owner !== f.name && this.strict) {
        return {
          message: `${type} ${JSON.stringify(f.name)} would expose ${JSON.stringify(f.name + suffix)}, which is family ${JSON.stringify(owner)}`,
        };
      }
    }
    for (const suffix of SUFFIXES[type])
      if (!this.claimed.has(f.name + suffix)) this.claimed.set(f.name + suffix, f.name);
    f.type = type;
    f.typeGiven = true;
    return undefined;
  }

  /** Groups the sample into its metric and point, and checks the order of timestamps. */
  private place(f: Family, suffix: string, s: OmSampleLine, index: number, lineNo: number): Problem | undefined {
    const group = groupKey(f, suffix, s.labels);
    const ts = s.timestamp?.seconds ?? null;
    if (group !== f.group) {
      const done = this.finishGroup(f);
      if (done) return done;
      if (f.finishedGroups.has(group) && this.strict) {
        return { message: `samples of ${JSON.stringify(f.name)}{${group}} are not together` };
      }
      f.group = group;
      f.groupSeries.clear();
    } else if (this.strict && f.groupTs !== undefined) {
      // One metric's points: all with a timestamp or none, and never going back
      // (equal is fine: the suite's duplicate_timestamps cases are valid).
      if ((f.groupTs === null) !== (ts === null)) {
        return { message: `${s.name}: samples of one metric must all have a timestamp or none` };
      }
      if (ts !== null && f.groupTs !== null && ts < f.groupTs && f.type !== 'info') {
        return { message: `${s.name}: timestamps within one metric must not go backwards` };
      }
    }
    f.groupTs = ts;
    if (this.strict) {
      // The same series at the same time again adds nothing to the point; the
      // reference parser passes over it, so it is not a repeated bucket.
      const seen = `${s.name}{${labelKey(s.labels)}}@${ts}`;
      if (f.groupSeries.has(seen)) return undefined;
      f.groupSeries.add(seen);
    }
    const pointKey = ts === null ? '' : String(ts);
    let point = f.points.get(pointKey);
    if (!point) {
      point = newPoint(lineNo);
      f.points.set(pointKey, point);
    }
    return addToPoint(f.type, point, suffix, s, index, this.strict);
  }

  private finishGroup(f: Family): Problem | undefined {
    for (const p of f.points.values()) {
      if (this.strict && (f.type === 'histogram' || f.type === 'gaugehistogram')) {
        const bad = finishHistogramPoint(f.type, p);
        if (bad) return { message: `${f.name}: ${bad}`, lineNo: p.lineNo };
      }
      if (p.createdMs !== undefined) for (const i of p.sampleIndexes) this.setCreated(i, p.createdMs);
    }
    if (f.group !== undefined) f.finishedGroups.add(f.group);
    f.points.clear();
    return undefined;
  }

  private finish(): Problem | undefined {
    const f = this.current;
    if (f === undefined) return undefined;
    this.current = undefined;
    if (f.unit) {
      if (!f.name.endsWith(`_${f.unit}`))
        return { message: `unit ${JSON.stringify(f.unit)} must be a suffix of ${JSON.stringify(f.name)}` };
      if ((f.type === 'info' || f.type === 'stateset') && this.strict)
        return { message: `${f.type} ${JSON.stringify(f.name)} must not have a unit` };
    }
    // Leniently the family may come back later, and its `_created` with it.
    return this.strict ? this.finishGroup(f) : undefined;
  }
}

function addToPoint(
  type: OmType,
  p: PointState,
  suffix: string,
  s: OmSampleLine,
  index: number,
  strict: boolean,
): Problem | undefined {
  if (suffix === '_created') {
    p.createdMs = Math.round(s.value * 1000);
    return undefined;
  }
  p.sampleIndexes.push(index);
  if (type !== 'histogram' && type !== 'gaugehistogram') return undefined;
  if (suffix === '_bucket') {
    const bad = addBucket(p, parseOmNumber(s.labels.le as string) as number, s.value);
    return bad && strict ? { message: bad } : undefined;
  }
  if (suffix === '_count' || suffix === '_gcount') p.count = s.value;
  if (suffix === '_sum' || suffix === '_gsum') p.sum = s.value;
  return undefined;
}

/** What each type demands of sample names' labels and of exemplars. */
function checkLabels(f: Family, suffix: string, s: OmSampleLine): string | undefined {
  const name = JSON.stringify(s.name);
  if (s.exemplar) {
    const allowed =
      (f.type === 'counter' && suffix === '_total') || (suffix === '_bucket' && f.type.endsWith('histogram'));
    if (!allowed) return `exemplars are only allowed on counter _total and histogram _bucket samples, not on ${name}`;
    const runes = Object.entries(s.exemplar.labels).reduce((n, [k, v]) => n + [...k].length + [...v].length, 0);
    if (runes > MAX_EXEMPLAR_RUNES) {
      return `exemplar labels of ${name} are ${runes} characters long, more than ${MAX_EXEMPLAR_RUNES}`;
    }
  }
  const { le, quantile } = s.labels;
  switch (f.type) {
    case 'stateset':
      return s.labels[f.name] === undefined
        ? `stateset ${name} needs a label named ${JSON.stringify(f.name)}`
        : undefined;
    case 'summary':
      if (suffix !== '') return quantile === undefined ? undefined : `${name} must not have a "quantile" label`;
      if (quantile === undefined) return `summary ${name} needs a "quantile" label`;
      return inUnitRange(parseOmNumber(quantile))
        ? undefined
        : `quantile of ${name} must be a number from 0 to 1, got ${JSON.stringify(quantile)}`;
    case 'histogram':
    case 'gaugehistogram':
      if (suffix !== '_bucket') return le === undefined ? undefined : `${name} must not have an "le" label`;
      if (le === undefined) return `bucket ${name} needs an "le" label`;
      // Only "+Inf" spells infinity here (not "+INF" or "inf"); NaN is no threshold.
      if (le !== '+Inf' && (parseOmNumber(le) === undefined || /inf|nan/i.test(le))) {
        return `"le" of ${name} must be a number or "+Inf", got ${JSON.stringify(le)}`;
      }
      return undefined;
    case 'counter':
    case 'gauge':
    case 'info':
    case 'unknown':
      return undefined;
  }
}

const inUnitRange = (q: number | undefined): boolean => q !== undefined && q >= 0 && q <= 1;

/** The specification's rules on values, per type. */
function checkValue(f: Family, suffix: string, s: OmSampleLine): string | undefined {
  const v = s.value;
  const name = JSON.stringify(s.name);
  const counterLike = (what: string): string | undefined =>
    Number.isNaN(v) || v < 0 ? `${what} ${name} must not be NaN or negative, got ${v}` : undefined;
  const integer = (what: string): string | undefined =>
    counterLike(what) ??
    (Number.isInteger(v) || v === Infinity ? undefined : `${what} ${name} must be an integer, got ${v}`);
  switch (f.type) {
    case 'counter':
      return suffix === '_total' ? counterLike('counter') : undefined;
    case 'gauge':
    case 'unknown':
      return undefined;
    case 'stateset':
      return v === 0 || v === 1 ? undefined : `stateset ${name} must be 0 or 1, got ${v}`;
    case 'info':
      return v === 1 ? undefined : `info ${name} must be 1, got ${v}`;
    case 'summary':
      if (suffix === '_count') return integer('summary count');
      if (suffix === '_sum') return counterLike('summary sum');
      return suffix === '' && v < 0 ? `quantile value ${name} must not be negative, got ${v}` : undefined;
    case 'histogram':
    case 'gaugehistogram':
      if (suffix === '_bucket') return integer('bucket');
      if (suffix === '_count' || suffix === '_gcount') return integer('count');
      if (suffix === '_sum' || suffix === '_gsum') return Number.isNaN(v) ? `${name} must not be NaN` : undefined;
      return undefined;
  }
}

/**
 * Which metric (MetricPoint group) a sample belongs to: its labels without the
 * ones that tell a metric's samples apart (le, quantile, the stateset's own
 * label). An info family's samples cannot be told apart, so it is one group.
 */
function groupKey(f: Family, suffix: string, labels: Labels): string {
  switch (f.type) {
    case 'info':
      return '';
    case 'summary':
      return labelKey(labels, suffix === '' ? 'quantile' : undefined);
    case 'stateset':
      return labelKey(labels, f.name);
    case 'histogram':
    case 'gaugehistogram':
      return labelKey(labels, suffix === '_bucket' ? 'le' : undefined);
    case 'counter':
    case 'gauge':
    case 'unknown':
      return labelKey(labels);
  }
}

/** A canonical key of a label set, optionally without one label. */
function labelKey(labels: Labels, without?: string): string {
  return Object.keys(labels)
    .filter((k) => k !== without)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
