/**
 * What every source produces. A source reads one kind of input (cgroups, /proc,
 * the kubelet, the API server, a scrape target) and yields samples with the
 * ecosystem's canonical names and labels. It knows nothing about storage.
 */
import type { Labels } from '../tsdb/interface.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'gaugehistogram' | 'unknown';

/** HELP/TYPE/UNIT of one metric family, as the exposition formats carry them. */
export interface MetricMeta {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly unit?: string;
}

/** `labels.__name__` is the metric name; `t` (ms since epoch) is set only when the input carried a timestamp. */
export interface SourceSample {
  readonly labels: Labels;
  readonly value: number;
  readonly t?: number;
}

/** One problem a source met, with the place (a file path, URL or object) it met it at. */
export interface SourceProblem {
  readonly source: string;
  readonly place: string;
  readonly message: string;
}

/** One collection: what could be read, and what could not. A broken file never hides the others. */
export interface Collection {
  readonly samples: readonly SourceSample[];
  readonly metadata: readonly MetricMeta[];
  readonly problems: readonly SourceProblem[];
  /**
   * Labels every sample carries for the pipeline (its target labels: job, instance…), not as
   * its own: an exposition of the collection leaves them out, as cAdvisor's /metrics has no job.
   */
  readonly constLabels?: Readonly<Record<string, string>>;
}

export interface Source {
  readonly name: string;
  collect(signal?: AbortSignal): Promise<Collection>;
}
