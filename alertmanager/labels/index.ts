export type { Matcher, MatchType, LabelSet } from './matcher.js';
export {
  newMatcher,
  matchesAll,
  compareMatchers,
  matchersToString,
  compileAnchored,
  goQuote,
  isValidUtf8,
} from './matcher.js';
export { parseClassicMatcher, parseClassicMatchers } from './parse-classic.js';
export { parseUtf8Matcher, parseUtf8Matchers } from './parse-utf8.js';
export type { WarnFn, MatcherMode, MatcherParseOptions } from './compat.js';
export { parseMatchers, parseMatcher, INCOMPATIBLE_WARNING } from './compat.js';
export { matchersFromLegacy, LABEL_NAME_RE } from './legacy.js';
