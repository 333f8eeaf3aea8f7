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

export class CollectionBuilder {
  private readonly samples: SourceSample[] = [];
  private readonly metas = new Map<string, MetricMeta>();
  private readonly problemList: SourceProblem[] = [];

  constructor(private readonly sourceName: string) {}

  add(meta: MetricMeta, labels: LabelSet, value: number): void {
    if (!this.metas.has(meta.name)) this.metas.set(meta.name, meta);
    this.samples.push({ labels: { __name__: meta.name, ...labels }, value });
  }

  /** `place` is a file, `file:line`, URL or object; the message says what was expected and what was found. */
  problem(place: string, message: string): void {
    this.problemList.push({ source: this.sourceName, place, message });
  }

  build(): Collection {
    return { samples: this.samples, metadata: [...this.metas.values()], problems: this.problemList };
  }
}
