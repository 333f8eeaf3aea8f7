/**
 * Runs a parsed script: a fresh store (and an engine over it) at the start
 * and after every `clear`, loads in order, and one verdict per `eval`.
 * Evaluations that may read data the store cannot hold (native histograms,
 * start timestamps) or whose expected result is a native histogram are
 * skipped, never run: a pass there would claim support we do not have.
 */
import type { QueryEngine } from '../interface.js';
import type { Appendable, Queryable } from '../../tsdb/interface.js';
import { analyzeExpr, selectorMayMatch } from './expr-analysis.js';
import { loadIntoStore, type UnsupportedSeries } from './load-data.js';
import { runEval, type EvalRunOptions, type EvalVerdict } from './run-eval.js';
import type { EvalCommand, Script } from './script-types.js';

/** A fresh, empty store; called at the start and on every `clear`. May be async (openTsdb is). */
export type StoreFactory = () => (Appendable & Queryable) | Promise<Appendable & Queryable>;
export type EngineFactory = (queryable: Queryable) => QueryEngine;

export interface RunScriptOptions extends EvalRunOptions {
  readonly newStore: StoreFactory;
  readonly newEngine: EngineFactory;
}

/** One eval's verdict with where it came from. */
export type EvalOutcome = EvalVerdict & {
  readonly file: string;
  readonly line: number;
  readonly expr: string;
};

export interface ScriptRun {
  readonly file: string;
  readonly outcomes: readonly EvalOutcome[];
  /** Problems outside any eval (a load the store rejected), as `file:line: message`. */
  readonly errors: readonly string[];
}

export async function runScript(script: Script, options: RunScriptOptions): Promise<ScriptRun> {
  let store = await options.newStore();
  let engine = options.newEngine(store);
  let unsupported: UnsupportedSeries[] = [];
  const outcomes: EvalOutcome[] = [];
  const errors: string[] = [];
  for (const cmd of script.commands) {
    switch (cmd.kind) {
      case 'clear':
        await closeStore(store);
        store = await options.newStore();
        engine = options.newEngine(store);
        unsupported = [];
        break;
      case 'load': {
        const r = await loadIntoStore(store, cmd);
        unsupported.push(...r.unsupported);
        if (r.error !== undefined) errors.push(`${script.file}:${cmd.line}: load: ${r.error}`);
        break;
      }
      case 'eval': {
        const where = { file: script.file, line: cmd.line, expr: cmd.expr };
        const skip = skipReason(cmd, unsupported);
        const verdict: EvalVerdict =
          skip !== undefined ? { status: 'skipped', reason: skip } : await runEval(engine, cmd, options);
        outcomes.push({ ...verdict, ...where });
        break;
      }
      default: {
        const never: never = cmd;
        throw new Error(`unknown script command ${JSON.stringify(never)}`);
      }
    }
  }
  await closeStore(store);
  return { file: script.file, outcomes, errors };
}

/** Stores with a close() (openTsdb's) are closed when a script is done with them. */
async function closeStore(store: object): Promise<void> {
  if ('close' in store && typeof store.close === 'function')
    await (store.close as () => Promise<void> | void).call(store);
}

/** Why an eval cannot be judged on our store, or undefined when it can. */
export function skipReason(cmd: EvalCommand, unsupported: readonly UnsupportedSeries[]): string | undefined {
  for (const s of cmd.expectedSeries.values()) {
    if (s.values.some((v) => v.kind === 'histogram'))
      return 'native histograms: the expected result holds a native histogram';
  }
  if (unsupported.length === 0) return undefined;
  const { selectors } = analyzeExpr(cmd.expr);
  // When the expression cannot be read, assume it may touch anything loaded.
  const touched = unsupported.filter(
    (u) => selectors === undefined || selectors.some((m) => selectorMayMatch(m, u.labels)),
  );
  const first = touched[0];
  if (first === undefined) return undefined;
  const names = [...new Set(touched.map((u) => u.labels['__name__'] ?? '{}'))].slice(0, 3).join(', ');
  return `${first.reason}: the query may read ${names}, which the store cannot hold`;
}
