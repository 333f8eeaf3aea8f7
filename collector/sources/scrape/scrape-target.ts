/**
 * One scrape target as a Source: each collect() is one scrape, and returns
 * the target's samples with its labels, Prometheus' report series (`up`,
 * `scrape_duration_seconds`, `scrape_samples_scraped`,
 * `scrape_samples_post_metric_relabeling`, `scrape_series_added`) and
 * staleness markers for the series the previous scrape had and this one has
 * not. A failed scrape (unreachable, timeout, bad exposition, a limit) yields
 * only the report series with up=0 and marks everything from before stale,
 * as Prometheus does. Scheduling is the pipeline's business.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { Collection, MetricMeta, Source, SourceProblem, SourceSample } from '../source.js';
import type { ExposedSample } from './exposition-types.js';
import { parseExposition } from './parse-exposition.js';
import { fetchMetricsBody } from './scrape-http.js';
import type { ScrapeTransport } from './scrape-tls.js';
import { STALE_NAN } from './stale-nan.js';
import { checkLabelLimits, mergeTargetLabels, seriesKey, type LabelLimits } from './target-labels.js';

export interface ScrapeTargetOptions extends LabelLimits {
  readonly url: string;
  readonly job: string;
  /** Labels every sample gets (e.g. from service discovery); `instance` defaults to the URL's host:port. */
  readonly targetLabels?: Labels;
  readonly timeoutMs: number;
  readonly bodyLimitBytes?: number;
  /** Most samples one scrape may yield after metric relabelling; more fails the scrape. 0 or absent: no limit. */
  readonly sampleLimit?: number;
  readonly honorLabels?: boolean;
  /** Default true: a timestamp in the exposition is kept; otherwise every sample gets the scrape's time. */
  readonly honorTimestamps?: boolean;
  /** metric_relabel_configs as a function: new labels, or undefined to drop the sample. */
  readonly metricRelabel?: (labels: Labels) => Labels | undefined;
  /** How strict the parser is; default 'structure', what Prometheus' scraper accepts. */
  readonly validation?: 'spec' | 'structure';
  readonly headers?: Readonly<Record<string, string>>;
  /** How to connect to https targets (TLS settings); see `scrapeTlsAgent`. */
  readonly transport?: ScrapeTransport;
  /** Milliseconds since the epoch; tests pass their own. */
  readonly clock?: () => number;
}

/** The outcome of the last scrape, for /api/v1/targets. */
export interface ScrapeHealth {
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastScrapeMs?: number;
  readonly lastDurationMs?: number;
  readonly lastError?: string;
}

interface Scraped {
  readonly samples: readonly ExposedSample[];
  readonly metadata: readonly MetricMeta[];
  readonly scraped: number;
}

export class ScrapeTarget implements Source {
  readonly name = 'scrape';
  private readonly clock: () => number;
  private readonly labels: Labels;
  /** Series of the last scrape that get staleness markers when they disappear. */
  private previous = new Map<string, Labels>();
  private previousKeys = new Set<string>();
  private reportLabels: Labels[] = [];
  private lastHealth: ScrapeHealth = { health: 'unknown' };

  constructor(private readonly options: ScrapeTargetOptions) {
    this.clock = options.clock ?? Date.now;
    this.labels = { job: options.job, instance: new URL(options.url).host, ...options.targetLabels };
  }

  get url(): string {
    return this.options.url;
  }

  get health(): ScrapeHealth {
    return this.lastHealth;
  }

  async collect(signal?: AbortSignal): Promise<Collection> {
    const start = this.clock();
    const result = await this.scrape(start, signal);
    const durationMs = this.clock() - start;
    const failed = typeof result === 'string';
    const samples: SourceSample[] = failed ? [] : [...result.samples];
    const keys = new Set<string>();
    // Series that carried their own timestamp are not marked stale: a marker
    // at scrape time could land before or between their samples (Prometheus
    // makes the same exception).
    const tracked = new Map<string, Labels>();
    for (const s of samples) {
      const key = seriesKey(s.labels);
      keys.add(key);
      if (s.t === start) tracked.set(key, s.labels);
    }
    let added = 0;
    for (const key of keys) if (!this.previousKeys.has(key)) added++;
    for (const [key, labels] of this.previous) {
      if (!tracked.has(key)) samples.push({ labels, value: STALE_NAN, t: start });
    }
    this.previous = tracked;
    this.previousKeys = keys;
    samples.push(...this.report(start, durationMs, failed ? undefined : result, added));
    this.lastHealth = {
      health: failed ? 'down' : 'up',
      lastScrapeMs: start,
      lastDurationMs: durationMs,
      ...(failed ? { lastError: result } : {}),
    };
    const problems: SourceProblem[] = failed ? [{ source: this.name, place: this.options.url, message: result }] : [];
    return { samples, metadata: failed ? [] : result.metadata, problems };
  }

  /**
   * Staleness markers for every series of the last scrape, report series
   * included, for when the target goes away; the target then forgets them.
   */
  dispose(at: number = this.clock()): SourceSample[] {
    const labels = [...this.previous.values(), ...this.reportLabels];
    this.previous = new Map();
    this.previousKeys = new Set();
    this.reportLabels = [];
    return labels.map((l) => ({ labels: l, value: STALE_NAN, t: at }));
  }

  /** The scrape's samples, or why it failed. */
  private async scrape(start: number, signal?: AbortSignal): Promise<Scraped | string> {
    const o = this.options;
    const body = await fetchMetricsBody(o.url, {
      timeoutMs: o.timeoutMs,
      ...(o.bodyLimitBytes ? { bodyLimitBytes: o.bodyLimitBytes } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.transport ? { transport: o.transport } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!body.ok) return body.error.message;
    const parsed = parseExposition(body.value.body, body.value.contentType, {
      validation: o.validation ?? 'structure',
    });
    if (!parsed.ok) return `invalid exposition: ${parsed.error.message}`;
    const out: ExposedSample[] = [];
    const seen = new Set<string>();
    for (const s of parsed.value.samples) {
      const merged = mergeTargetLabels(s.labels, this.labels, o.honorLabels === true);
      const labels = o.metricRelabel ? o.metricRelabel(merged) : merged;
      if (labels === undefined) continue;
      const limit = checkLabelLimits(labels, o);
      if (limit) return limit;
      const t = o.honorTimestamps === false || s.t === undefined ? start : s.t;
      // A repeated series at the same time is a duplicate; Prometheus keeps the first.
      const key = `${seriesKey(labels)}@${t}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...s, labels, t });
    }
    if (o.sampleLimit && out.length > o.sampleLimit) {
      return `sample_limit exceeded: ${out.length} samples, limit is ${o.sampleLimit}`;
    }
    return { samples: out, metadata: parsed.value.metadata, scraped: parsed.value.samples.length };
  }

  private report(t: number, durationMs: number, ok: Scraped | undefined, added: number): SourceSample[] {
    const values: Record<string, number> = {
      up: ok ? 1 : 0,
      scrape_duration_seconds: durationMs / 1000,
      scrape_samples_scraped: ok?.scraped ?? 0,
      scrape_samples_post_metric_relabeling: ok?.samples.length ?? 0,
      scrape_series_added: added,
    };
    this.reportLabels = Object.keys(values).map((name) => ({ ...this.labels, __name__: name }));
    return this.reportLabels.map((labels) => ({ labels, value: values[labels.__name__ as string] as number, t }));
  }
}
