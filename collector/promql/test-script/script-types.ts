/**
 * The parsed form of a PromQL test script (Prometheus' `promqltest` format,
 * see ../shared/conformance/promql/README.md). Lines are 1-based; times are
 * milliseconds since the Unix epoch, where every script starts.
 */
import type { Labels } from '../../tsdb/interface.js';

/**
 * One position of a series' value sequence. `stale` is Prometheus' staleness
 * marker; `histogram` is a native histogram (`{{…}}`) that we recognise but
 * cannot store, so anything that depends on it is skipped.
 */
export type SequenceValue =
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'stale' }
  | { readonly kind: 'omitted' }
  | { readonly kind: 'histogram'; readonly text: string };

/** A `metric{labels} values…` line, from a `load` block or an eval's expected result. */
export interface SeriesLine {
  readonly line: number;
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

/** A loaded series; `startTimestamps` when an `@st` line gives some of its samples a start timestamp. */
export interface LoadedSeries extends SeriesLine {
  readonly startTimestamps: boolean;
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly stepMs: number;
  /** `load_with_nhcb`: classic `_bucket/_count/_sum` series are also loaded as native histograms. */
  readonly withNhcb: boolean;
  readonly series: readonly LoadedSeries[];
}

export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

/** How an `expect` line matches a message: exactly, by RE2 search, or anything. */
export type MessageMatcher =
  | { readonly kind: 'any' }
  | { readonly kind: 'msg'; readonly text: string }
  | { readonly kind: 'regex'; readonly source: string; readonly test: (s: string) => boolean };

export interface Expectations {
  readonly fail: readonly MessageMatcher[];
  readonly warn: readonly MessageMatcher[];
  readonly info: readonly MessageMatcher[];
  readonly noWarn: boolean;
  readonly noInfo: boolean;
  readonly ordered: boolean;
}

export interface ExpectedSeries extends SeriesLine {
  /** 1-based position among the result lines, for `expect ordered`. */
  readonly pos: number;
}

export type EvalTiming =
  | { readonly kind: 'instant'; readonly atMs: number }
  | { readonly kind: 'range'; readonly startMs: number; readonly endMs: number; readonly stepMs: number };

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly expr: string;
  readonly timing: EvalTiming;
  /** Deprecated `eval_fail`/`eval_warn`/`eval_info`/`eval_ordered` spellings. */
  readonly legacy: {
    readonly fail: boolean;
    readonly warn: boolean;
    readonly info: boolean;
    readonly ordered: boolean;
  };
  /** Deprecated `expected_fail_message` / `expected_fail_regexp` lines. */
  readonly legacyFail: MessageMatcher | undefined;
  readonly expect: Expectations;
  /** `expect range vector from … to … step …`: an instant query that returns a range vector. */
  readonly rangeVector: { readonly startMs: number; readonly endMs: number; readonly stepMs: number } | undefined;
  readonly expectedString: string | undefined;
  readonly expectedScalar: number | undefined;
  /** Keyed by the canonical label key; a later line for the same labels replaces an earlier one. */
  readonly expectedSeries: ReadonlyMap<string, ExpectedSeries>;
}

export type ScriptCommand = LoadCommand | ClearCommand | EvalCommand;

export interface Script {
  readonly file: string;
  readonly commands: readonly ScriptCommand[];
}

export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}
