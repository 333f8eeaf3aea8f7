/**
 * Exponential backoff with jitter for reconnecting watches. Jitter matters:
 * after an API server restart every collector in the cluster reconnects, and
 * without it they all come back in the same millisecond.
 */

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1); injectable so tests get fixed delays. */
  readonly random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next try: initial·2^n capped at max, then scaled into [½, 1] of that. */
  next(): number {
    const { initialMs, maxMs } = this.options;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  }

  /** After a success the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Resolves after `ms` or as soon as `signal` aborts (never rejects). */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
