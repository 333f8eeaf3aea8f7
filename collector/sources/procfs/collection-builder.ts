/**
 * Accumulates one collection: samples, the HELP/TYPE of every family that got
 * at least one sample (node-exporter writes no HELP for empty families), and
 * the problems met on the way. Every parser in this folder writes into one.
 */
import type { Collection, MetricMeta, SourceProblem, SourceSample } from '../source.js';

export type LabelSet = Readonly<Record<string, string>>;

export const SOURCE_NAME = 'procfs';

export const gauge = (name: string, help: string): MetricMeta => ({ name, type: 'gauge', help });
export const counter = (name: string, help: string): MetricMeta => ({ name, type: 'counter', help });
/** node-exporter's "untyped"; the exposition formats call it `unknown`. */
export const untyped = (name: string, help: string): MetricMeta => ({ name, type: 'unknown', help });

export class CollectionBuilder {
  private readonly samples: SourceSample[] = [];
  private readonly metas = new Map<string, MetricMeta>();
  private readonly problemList: SourceProblem[] = [];

  add(meta: MetricMeta, labels: LabelSet, value: number): void {
    if (!this.metas.has(meta.name)) this.metas.set(meta.name, meta);
    this.samples.push({ labels: { __name__: meta.name, ...labels }, value });
  }

  /** `place` is `file` or `file:line`; the message says what was expected and what was found. */
  problem(place: string, message: string): void {
    this.problemList.push({ source: SOURCE_NAME, place, message });
  }

  build(): Collection {
    return { samples: this.samples, metadata: [...this.metas.values()], problems: this.problemList };
  }
}
