/**
 * The store's two seams: an Appender to write, a Querier to read. Everything
 * outside collector/tsdb sees only these types.
 */
import type { Result } from '../result.js';

/** A label set. `__name__` holds the metric name. */
export type Labels = Readonly<Record<string, string>>;

/** One sample; `t` is milliseconds since the Unix epoch. */
export interface Sample {
  readonly t: number;
  readonly v: number;
}

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher as PromQL writes it; regular expressions are fully anchored (RE2 syntax). */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

export type AppendErrorKind =
  | 'out_of_order'
  | 'out_of_bounds'
  | 'duplicate'
  | 'too_many_series'
  | 'invalid_labels'
  | 'limit_exceeded';

export class AppendError extends Error {
  constructor(
    readonly kind: AppendErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'AppendError';
  }
}

export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Label pairs as UTF-8 bytes, for receivers that get them encoded (remote
 * write): pair i has its name at `buf[offsets[4i], offsets[4i+1])` and its
 * value at `buf[offsets[4i+2], offsets[4i+3])`. Pairs are sorted by name,
 * names are unique, and no value is empty.
 */
export interface EncodedLabels {
  readonly buf: Uint8Array;
  readonly offsets: Int32Array;
  readonly count: number;
}

/** Samples become visible to queriers only after commit(). Do not reuse after commit/rollback. */
export interface Appender {
  append(labels: Labels, t: number, v: number): Result<void, AppendError>;
  /**
   * Optional fast path (stores may leave it out): append() for labels given
   * as bytes, which the caller has already validated by its own rules. A
   * known series is found without decoding its labels; a new one is created
   * (the store's own checks and limits apply). Returns undefined when the
   * store cannot take these labels this way (e.g. not ASCII); the caller
   * then decodes them and calls append(), which stays the reference.
   */
  appendEncoded?(labels: EncodedLabels, t: number, v: number): Result<void, AppendError> | undefined;
  commit(): Promise<Result<void, StoreError>>;
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

/** seek(t) moves to the first sample at or after t; both return false when exhausted. */
export interface SampleIterator {
  seek(t: number): boolean;
  next(): boolean;
  at(): Sample;
}

export interface Series {
  readonly labels: Labels;
  samples(): SampleIterator;
}

/** Sees only samples with minT <= t <= maxT. Series come sorted by labels. */
export interface Querier {
  select(matchers: readonly Matcher[]): Iterable<Series>;
  labelValues(name: string, matchers?: readonly Matcher[]): readonly string[];
  labelNames(matchers?: readonly Matcher[]): readonly string[];
}

export interface Queryable {
  querier(minT: number, maxT: number): Querier;
}
