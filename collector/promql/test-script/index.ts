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
export { ScriptError, type EvalCommand, type Script, type ScriptCommand, type SequenceValue } from './script-types.js';
export { promqltestHarness, type Harness } from './harness.js';
