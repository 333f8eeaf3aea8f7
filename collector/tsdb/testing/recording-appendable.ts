/**
 * For tests of what feeds a store (pipelines, scrape managers): an
 * Appendable that keeps what was committed, in order, and drops what was
 * rolled back, as a store would. Not a store: no ordering or duplicate rules.
 */
import { ok } from '../../result.js';
import type { Appendable, Appender, Labels } from '../interface.js';

export interface RecordedSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

export function recordingAppendable(): Appendable & { readonly committed: RecordedSample[] } {
  const committed: RecordedSample[] = [];
  return {
    committed,
    appender(): Appender {
      const pending: RecordedSample[] = [];
      return {
        append(labels, t, v) {
          pending.push({ labels, t, v });
          return ok(undefined);
        },
        commit() {
          committed.push(...pending);
          return Promise.resolve(ok(undefined));
        },
        rollback() {
          pending.length = 0;
        },
      };
    },
  };
}
