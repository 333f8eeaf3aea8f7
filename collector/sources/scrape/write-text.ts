/**
 * Renders samples and metadata as Prometheus text format 0.0.4, for our own
 * /metrics endpoints. Families come out sorted by name with their HELP and
 * TYPE first; samples keep their input order inside a family (so histogram
 * buckets stay in `le` order). Names outside the legacy character set use the
 * quoted syntax of newer Prometheus (`{"my.metric"}`).
 */
import type { Labels } from '../../tsdb/interface.js';
import type { MetricMeta, MetricType, SourceSample } from '../source.js';
import { isStaleNaN } from './stale-nan.js';

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Suffixes under which a family's samples appear in the text format.
const MEMBER_SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

// The text format knows five types; the OpenMetrics-only ones are written as
// the closest one the text parsers accept.
const TEXT_TYPE: Record<MetricType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  unknown: 'untyped',
  info: 'gauge',
  stateset: 'gauge',
  gaugehistogram: 'untyped',
};

interface Family {
  header: string; // the name HELP/TYPE are written under
  readonly meta?: MetricMeta;
  readonly lines: string[];
}

/**
 * `omit`: label names left out of every line (a collection's constLabels).
 *
 * @example
 * res.setHeader('Content-Type', TEXT_CONTENT_TYPE);
 * res.end(writeTextExposition([{ labels: { __name__: 'up' }, value: 1 }], [{ name: 'up', type: 'gauge', help: 'Up.' }]));
 */
export function writeTextExposition(samples: readonly SourceSample[], metadata: readonly MetricMeta[] = [], omit?: ReadonlySet<string>): string {
  const metaByName = new Map<string, MetricMeta>();
  for (const m of metadata) if (!metaByName.has(m.name)) metaByName.set(m.name, m);
  const families = new Map<string, Family>();
  const familyCache = new Map<string, MetricMeta | undefined>();
  for (const s of samples) {
    // A staleness marker says the series is gone; /metrics simply leaves it out.
    if (isStaleNaN(s.value)) continue;
    const name = s.labels.__name__ ?? '';
    let meta = familyCache.get(name);
    if (meta === undefined && !familyCache.has(name)) {
      meta = familyOf(name, metaByName);
      familyCache.set(name, meta);
    }
    const key = meta?.name ?? name;
    let f = families.get(key);
    if (!f) {
      f = { header: key, lines: [], ...(meta ? { meta } : {}) };
      families.set(key, f);
    }
    // The text format names a counter family after its `_total` sample (and an
    // info family after its `_info` one), or the TYPE line would not apply.
    if ((meta?.type === 'counter' && name === `${key}_total`) || (meta?.type === 'info' && name === `${key}_info`)) {
      f.header = name;
    }
    f.lines.push(sampleLine(name, s, omit));
  }
  for (const m of metaByName.values())
    if (!families.has(m.name)) families.set(m.name, { header: m.name, meta: m, lines: [] });

  let out = '';
  for (const key of [...families.keys()].sort()) {
    const f = families.get(key) as Family;
    const header = LEGACY_METRIC_NAME.test(f.header) ? f.header : quote(f.header);
    if (f.meta?.help) out += `# HELP ${header} ${escapeHelp(f.meta.help)}\n`;
    if (f.meta) out += `# TYPE ${header} ${TEXT_TYPE[f.meta.type]}\n`;
    for (const line of f.lines) out += line + '\n';
  }
  return out;
}

function familyOf(name: string, metaByName: ReadonlyMap<string, MetricMeta>): MetricMeta | undefined {
  const own = metaByName.get(name);
  if (own) return own;
  for (const [type, suffixes] of Object.entries(MEMBER_SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!name.endsWith(suffix)) continue;
      const m = metaByName.get(name.slice(0, -suffix.length));
      if (m?.type === type) return m;
    }
  }
  return undefined;
}

function sampleLine(name: string, s: SourceSample, omit: ReadonlySet<string> | undefined): string {
  const pairs = labelPairs(s.labels, omit);
  const ts = s.t === undefined ? '' : ` ${Math.round(s.t)}`;
  if (LEGACY_METRIC_NAME.test(name)) {
    return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(s.value)}${ts}`;
  }
  return `{${[quote(name), ...pairs].join(',')}} ${formatValue(s.value)}${ts}`;
}

function labelPairs(labels: Labels, omit: ReadonlySet<string> | undefined): string[] {
  return Object.keys(labels)
    .filter((k) => k !== '__name__' && !omit?.has(k))
    .sort()
    .map((k) => `${LEGACY_LABEL_NAME.test(k) ? k : quote(k)}="${escapeLabelValue(labels[k] as string)}"`);
}

/** A float as Go's ParseFloat reads it; NaN and the infinities in Prometheus' spelling. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const escapeLabelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const quote = (name: string): string => `"${escapeLabelValue(name)}"`;
