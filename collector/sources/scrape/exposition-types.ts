/**
 * What the exposition parsers produce. Both formats (Prometheus text 0.0.4 and
 * OpenMetrics 1.0) come out in the same shape so a scrape never has to know
 * which one the target spoke.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { MetricMeta, SourceSample } from '../source.js';

export type ExpositionFormat = 'text' | 'openmetrics';

/** An OpenMetrics exemplar; `t` is milliseconds since the epoch when the input carried one. */
export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  readonly t?: number;
}

/**
 * One sample as exposed. `exemplar` and `createdT` only come from OpenMetrics:
 * `createdT` (ms) is the value of the `_created` line that belongs to the same
 * metric point, copied onto its counter/histogram/summary samples.
 */
export interface ExposedSample extends SourceSample {
  readonly exemplar?: Exemplar;
  readonly createdT?: number;
}

export interface ParsedExposition {
  readonly format: ExpositionFormat;
  /** In input order; `labels.__name__` first in each label set. */
  readonly samples: readonly ExposedSample[];
  /** One entry per family that carried HELP, TYPE or UNIT, in input order. */
  readonly metadata: readonly MetricMeta[];
}

export interface ExpositionOptions {
  /**
   * 'spec' (default) enforces what the format's reference says: every MUST of
   * OpenMetrics 1.0 as its conformance suite expects, and prometheus/common's
   * rules for the text format (one HELP and one TYPE per family, TYPE before
   * the samples, no negative histogram counts). 'structure' accepts what
   * Prometheus' own scraper accepts: line syntax, escapes, numbers,
   * timestamps, `# EOF` and units as name suffixes are still checked, but
   * OpenMetrics families may be interleaved, repeat their metadata and break
   * the type rules on values and labels (client_golang exposes `_sum` next to
   * negative buckets), and text-format HELP/TYPE lines may repeat or come late
   * (the first one counts) and sample lines may end in blanks. One odd family should not fail a whole scrape.
   */
  readonly validation?: 'spec' | 'structure';
}

/** Bad input. `line` and `column` are 1-based; `column` is absent when the whole line is at fault. */
export class ParseError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
    readonly column?: number,
  ) {
    super(`line ${line}: ${detail}${column === undefined ? '' : ` at column ${column}`}`);
    this.name = 'ParseError';
  }
}

/** Renders a found token for an error message: quoted, truncated, `end of line` when empty. */
export function describeFound(found: string): string {
  if (found === '') return 'end of line';
  const short = found.length > 40 ? `${found.slice(0, 40)}…` : found;
  return JSON.stringify(short);
}
