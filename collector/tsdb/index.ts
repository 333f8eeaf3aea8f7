export { openTsdb, type Tsdb, type TsdbOptions } from './tsdb.js';
export type { TsdbStats, StatEntry } from './stats.js';
export type { TsdbLimits } from './head/limits.js';
export {
  AppendError,
  StoreError,
  type AppendErrorKind,
  type Appender,
  type Appendable,
  type Querier,
  type Queryable,
  type Series,
  type SampleIterator,
  type Sample,
  type Labels,
  type Matcher,
  type MatchType,
} from './interface.js';
export { MatcherError, compileMatchers } from './labels/matcher.js';
export { STALE_NAN, isStaleNaN } from './chunkenc/float-bits.js';
