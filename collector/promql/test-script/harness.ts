/**
 * The store and engine a script runs against, set up as Prometheus'
 * promqltest sets up its own: an in-memory store with 24h head chunks (as
 * its teststorage, so one script may load samples hours apart), and an
 * engine with experimental functions on, at most 10 000 samples per query
 * and a 1m default subquery step. The CLI and the conformance suite both
 * use this, so their numbers agree.
 */
import { createEngine } from '../index.js';
import { openTsdb } from '../../tsdb/index.js';
import type { EngineFactory, StoreFactory } from './run-script.js';

export interface Harness {
  readonly newStore: StoreFactory;
  readonly newEngine: EngineFactory;
}

const DAY_MS = 24 * 3600_000;

export function promqltestHarness(): Harness {
  return {
    newStore: async () => {
      const r = await openTsdb({ chunkRangeMs: DAY_MS });
      // openTsdb without a directory has nothing to fail on; if it does, that is a bug.
      if (!r.ok) throw r.error;
      return r.value;
    },
    newEngine: (q) =>
      createEngine(q, { enableExperimentalFunctions: true, maxSamples: 10_000, noStepSubqueryIntervalMs: 60_000 }),
  };
}
