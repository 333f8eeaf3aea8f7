/**
 * Scrapes one target every interval until the signal aborts, then hands over
 * the staleness markers for everything it last saw. Each target scrapes at a
 * fixed offset inside the interval, taken from a hash of its URL as
 * Prometheus does, so a thousand targets do not all fire at the same instant.
 */
import type { Collection } from '../source.js';
import type { ScrapeTarget } from './scrape-target.js';

export interface ScrapeLoopOptions {
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Gets each scrape's collection, and last the staleness markers once the loop stops. */
  readonly onCollection: (c: Collection) => void | Promise<void>;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
  /** Waits `ms` or until the signal aborts, whichever is first; tests pass one that moves a fake clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where in each interval the scrape happens (0 ≤ offsetMs < intervalMs); default: a hash of the URL. */
  readonly offsetMs?: number;
}

/**
 * @example
 * const stop = new AbortController();
 * void runScrapeLoop(new ScrapeTarget({ url, job: 'app', timeoutMs: 10_000 }), {
 *   intervalMs: 15_000, signal: stop.signal, onCollection: (c) => appendAll(c.samples),
 * });
 */
export async function runScrapeLoop(target: ScrapeTarget, options: ScrapeLoopOptions): Promise<void> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const interval = options.intervalMs;
  const offset = (options.offsetMs ?? hashOffset(target.url, interval)) % interval;
  let next = Math.floor(clock() / interval) * interval + offset;
  if (next < clock()) next += interval;
  while (!options.signal.aborted) {
    const wait = next - clock();
    if (wait > 0) await sleep(wait, options.signal);
    if (options.signal.aborted) break;
    await options.onCollection(await target.collect(options.signal));
    next += interval;
    // A scrape that overran its slot skips the slots it missed instead of
    // firing them back to back.
    const now = clock();
    if (next <= now) next += Math.ceil((now - next + 1) / interval) * interval;
  }
  await options.onCollection({ samples: target.dispose(clock()), metadata: [], problems: [] });
}

/** FNV-1a of the URL, spread over the interval. */
export function hashOffset(url: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) {
    h ^= url.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % intervalMs;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
