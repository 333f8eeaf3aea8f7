export { SymbolTable } from './symbol-table.js';
export {
  canonicalPairs,
  labelsFromPairs,
  compareStrings,
  compareLabelPairs,
  compareLabels,
  hashPairs,
  hashLabels,
  pairsEqual,
  type LabelPairs,
} from './label-set.js';
export { compileMatcher, compileMatchers, MatcherError, eq, neq, re, nre, type CompiledMatcher } from './matcher.js';
export { PostingsIndex } from './postings-index.js';
export { intersect, subtract, unionAll } from './sorted-refs.js';
