/**
 * A pipeline runs its sources on a schedule and hands every sample to an
 * Appender. One failing source never stops the others; a series that a source
 * no longer reports gets a staleness marker, as Prometheus does for scrapes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import type { Collection, Source } from '../sources/source.js';
import { STALE_NAN } from '../sources/scrape/stale-nan.js';
import type { Appendable, Labels } from '../tsdb/index.js';
import { scheduleEvery } from './scheduler.js';

/** A source with labels of its own (a node's series get job="node", its containers' job="cadvisor"). */
export interface LabelledSource {
  readonly source: Source;
  /** Added to this source's samples; they win over the pipeline's targetLabels and the sample's own. */
  readonly targetLabels: Labels;
}

export interface PipelineOptions {
  readonly name: string;
  /** Collected together at each tick, so their samples share one timestamp. Source names must differ. */
  readonly sources: readonly (Source | LabelledSource)[];
  readonly intervalMs: number;
  readonly appendable: Appendable;
  /** The role's logger; the pipeline logs as component=pipeline with its name. */
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * Labels added to every sample, as a scrape adds `job` and `instance`; they
   * win over a sample's own label of the same name.
   */
  readonly targetLabels?: Labels;
  readonly clock?: () => number;
}

export interface Pipeline {
  readonly name: string;
  /** Runs until the signal aborts; resolves once the last cycle has finished. */
  run(signal: AbortSignal): Promise<void>;
  /** One cycle now, at time `t` (ms). */
  collectOnce(t: number): Promise<void>;
  /** The latest collection of each source, for exposition on /metrics. */
  latest(): ReadonlyMap<string, Collection>;
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { name, sources, appendable, registry, targetLabels } = options;
  const logger = options.logger.child({ component: 'pipeline', pipeline: name });
  const clock = options.clock ?? Date.now;
  const metrics = pipelineMetrics(registry);
  const latest = new Map<string, Collection>();
  // Per source, the series of its last collection as keys only: the label objects are rebuilt from a key
  // for the rare stale marker rather than kept alive for every series between collections.
  const previousKeys = new Map<string, Set<string>>();

  const entries = sources.map((s) =>
    'source' in s ? { source: s.source, labels: { ...targetLabels, ...s.targetLabels } } : { source: s, labels: targetLabels },
  );

  const collectSource = async ({ source, labels: extra }: { source: Source; labels: Labels | undefined }, t: number): Promise<void> => {
    const started = clock();
    let collection: Collection;
    try {
      collection = await source.collect();
    } catch (cause) {
      // A source is meant to report problems as values; a throw is a bug, but one
      // broken source must still not take the pipeline down.
      collection = { samples: [], metadata: [], problems: [{ source: source.name, place: source.name, message: String(cause) }] };
    }
    latest.set(source.name, collection);
    for (const p of collection.problems) {
      metrics.sourceErrors.inc({ pipeline: name, source: p.source });
      logger.warn('source problem', { source: p.source, place: p.place, error: p.message });
    }
    const app = appendable.appender();
    const seen = new Set<string>();
    let rejected = 0;
    for (const s of collection.samples) {
      const labels = extra ? { ...s.labels, ...extra } : s.labels;
      seen.add(labelKey(labels));
      const r = app.append(labels, s.t ?? t, s.value);
      if (!r.ok) {
        rejected++;
        metrics.rejected.inc({ pipeline: name, source: source.name, reason: r.error.kind });
      }
    }
    const gone = previousKeys.get(source.name);
    if (gone) {
      for (const key of gone) if (!seen.has(key)) app.append(labelsOfKey(key), t, STALE_NAN);
    }
    previousKeys.set(source.name, seen);
    const committed = await app.commit();
    if (!committed.ok) logger.error('commit failed', { source: source.name, error: committed.error });
    if (rejected > 0) logger.debug('samples rejected', { source: source.name, rejected });
    metrics.samples.set({ pipeline: name, source: source.name }, collection.samples.length);
    metrics.duration.observe({ pipeline: name, source: source.name }, (clock() - started) / 1000);
  };

  const collectOnce = async (t: number): Promise<void> => {
    const end = metrics.cycle.startTimer({ pipeline: name });
    await Promise.allSettled(entries.map((e) => collectSource(e, t)));
    end();
  };

  return {
    name,
    collectOnce,
    latest: () => latest,
    run: (signal) =>
      scheduleEvery(
        { intervalMs: options.intervalMs, signal, clock, onSkip: () => metrics.skipped.inc({ pipeline: name }) },
        collectOnce,
      ),
  };
}

// Names and values are decoded UTF-8, so they never hold a lone surrogate: these separators split a key back exactly.
const NAME_END = '\udfff';
const PAIR_END = '\udffe';

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}${NAME_END}${labels[k]}`)
    .join(PAIR_END);
}

function labelsOfKey(key: string): Labels {
  const out: Record<string, string> = {};
  for (const pair of key.split(PAIR_END)) {
    const at = pair.indexOf(NAME_END);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

type PipelineMetrics = ReturnType<typeof createMetrics>;
const byRegistry = new WeakMap<Registry, PipelineMetrics>();

function pipelineMetrics(registry: Registry): PipelineMetrics {
  let m = byRegistry.get(registry);
  if (!m) byRegistry.set(registry, (m = createMetrics(registry)));
  return m;
}

function createMetrics(registry: Registry) {
  const registers = [registry];
  return {
    cycle: new Histogram({
      name: 'kubepulse_pipeline_cycle_duration_seconds',
      help: 'Time one collection cycle of a pipeline took.',
      labelNames: ['pipeline'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    skipped: new Counter({
      name: 'kubepulse_pipeline_skipped_cycles_total',
      help: 'Cycles skipped because the previous one was still running.',
      labelNames: ['pipeline'],
      registers,
    }),
    duration: new Histogram({
      name: 'kubepulse_source_collect_duration_seconds',
      help: 'Time one source took to collect.',
      labelNames: ['pipeline', 'source'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    samples: new Gauge({
      name: 'kubepulse_source_samples',
      help: 'Samples the last collection of a source produced.',
      labelNames: ['pipeline', 'source'],
      registers,
    }),
    sourceErrors: new Counter({
      name: 'kubepulse_source_errors_total',
      help: 'Problems sources met (unreadable files, unreachable endpoints); each is also logged.',
      labelNames: ['pipeline', 'source'],
      registers,
    }),
    rejected: new Counter({
      name: 'kubepulse_pipeline_rejected_samples_total',
      help: 'Samples the store rejected, by source and reason.',
      labelNames: ['pipeline', 'source', 'reason'],
      registers,
    }),
  };
}
