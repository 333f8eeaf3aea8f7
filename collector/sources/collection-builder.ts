/**
 * Accumulates one collection of a source: samples, the HELP/TYPE of every
 * family that got at least one sample (node-exporter and kube-state-metrics
 * write no HELP for empty families), and the problems met on the way.
 */
import type { Collection, MetricMeta, SourceProblem, SourceSample } from './source.js';

export type LabelSet = Readonly<Record<string, string>>;

export const gauge = (name: string, help: string): MetricMeta => ({ name, type: 'gauge', help });
export const counter = (name: string, help: string): MetricMeta => ({ name, type: 'counter', help });
/** node-exporter's "untyped"; the exposition formats call it `unknown`. */
export const untyped = (name: string, help: string): MetricMeta => ({ name, type: 'unknown', help });

/**
 * A series' label object, the same object from one collection to the next for
 * as long as the source hands in the same `base` object: what the pipeline and
 * the remote-write client key their per-series work on, so a steady node costs
 * no label building, sorting or encoding per collection. Keep one per source,
 * across collections; the derived label sets go when their base does.
 */
export class SeriesLabels {
  private readonly byBase = new WeakMap<LabelSet, Map<string, LabelSet>>();

  /**
   * `constLabels` go on every label object made, after the series' own labels (so they win, as a
   * pipeline's target labels do): given the source's target labels, the pipeline finds them already
   * there and passes each object on instead of keeping a merged copy per series.
   */
  constructor(readonly constLabels?: LabelSet) {}

  /** `base` with `__name__` (and one extra label, such as cAdvisor's `device`). */
  get(name: string, base: LabelSet, extraName?: string, extraValue?: string): LabelSet {
    let derived = this.byBase.get(base);
    if (!derived) this.byBase.set(base, (derived = new Map<string, LabelSet>()));
    // Label names never hold NUL (they are [a-zA-Z_][a-zA-Z0-9_]*), so this key cannot be ambiguous.
    const key = extraName === undefined ? name : `${name}\0${extraName}\0${extraValue ?? ''}`;
    let labels = derived.get(key);
    if (!labels) {
      labels =
        extraName === undefined
          ? { __name__: name, ...base, ...this.constLabels }
          : { __name__: name, ...base, [extraName]: extraValue ?? '', ...this.constLabels };
      derived.set(key, labels);
    }
    return labels;
  }
}

export class CollectionBuilder {
  private readonly samples: SourceSample[] = [];
  private readonly metas = new Map<string, MetricMeta>();
  private readonly problemList: SourceProblem[] = [];

  /** With `series`, a base label object seen before yields the label object it yielded then. */
  constructor(
    private readonly sourceName: string,
    private readonly series?: SeriesLabels,
  ) {}

  add(meta: MetricMeta, labels: LabelSet, value: number, extraName?: string, extraValue?: string): void {
    if (!this.metas.has(meta.name)) this.metas.set(meta.name, meta);
    const full = this.series
      ? this.series.get(meta.name, labels, extraName, extraValue)
      : extraName === undefined
        ? { __name__: meta.name, ...labels }
        : { __name__: meta.name, ...labels, [extraName]: extraValue ?? '' };
    this.samples.push({ labels: full, value });
  }

  /** `place` is a file, `file:line`, URL or object; the message says what was expected and what was found. */
  problem(place: string, message: string): void {
    this.problemList.push({ source: this.sourceName, place, message });
  }

  build(): Collection {
    const constLabels = this.series?.constLabels;
    return { samples: this.samples, metadata: [...this.metas.values()], problems: this.problemList, ...(constLabels && { constLabels }) };
  }
}
