export { parseScript } from './parse-script.js';
export { parseSeriesDesc } from './series-notation.js';
export {
  runScript,
  type EngineFactory,
  type EvalOutcome,
  type RunScriptOptions,
  type ScriptRun,
  type StoreFactory,
} from './run-script.js';
export {
  runPromqlTests,
  formatReport,
  type FileReport,
  type FormatOptions,
  type PromqlTestOptions,
  type Report,
} from './report.js';
export { STALE_NAN } from './load-data.js';
export type { EvalCommand, Script, ScriptCommand, ScriptError, SequenceValue } from './script-types.js';
export { promqltestHarness, type Harness } from './harness.js';
