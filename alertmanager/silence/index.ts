export type {
  Silence,
  SilenceInput,
  SilenceMatcher,
  SilenceState,
  SilencesOptions,
  SilenceErrorKind,
} from './silences.js';
export { Silences, SilenceError, silenceState } from './silences.js';
