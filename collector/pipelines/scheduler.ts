/**
 * Runs a task every `intervalMs`, aligned to multiples of the interval (plus a
 * stable offset) as Prometheus aligns scrapes, so samples land on a regular
 * grid. A tick that finds the previous run still busy is skipped and counted,
 * never queued: a slow source must not pile up work.
 */
export interface ScheduleOptions {
  readonly intervalMs: number;
  /** Offset within the interval, ms (spreads many schedules over the interval). */
  readonly offsetMs?: number;
  readonly signal: AbortSignal;
  readonly clock?: () => number;
  /** Called with the scheduled tick time when a tick is skipped. */
  readonly onSkip?: (tickMs: number) => void;
}

/** Resolves when the signal aborts and the running task (if any) has finished. */
export async function scheduleEvery(options: ScheduleOptions, task: (tickMs: number) => Promise<void>): Promise<void> {
  const clock = options.clock ?? Date.now;
  const { intervalMs, signal } = options;
  const offset = (options.offsetMs ?? 0) % intervalMs;
  // Held in an object: the closure below clears it, which flow analysis cannot see.
  const state: { running?: Promise<void> } = {};
  const start = (tick: number): void => {
    state.running = task(tick).finally(() => {
      state.running = undefined;
    });
  };
  const nextTick = (now: number): number => Math.floor((now - offset) / intervalMs + 1) * intervalMs + offset;

  // First run immediately, so a fresh start has data at once.
  start(clock());
  while (!signal.aborted) {
    const tick = nextTick(clock());
    const aborted = await sleepUntil(tick, clock, signal);
    if (aborted) break;
    if (state.running !== undefined) {
      options.onSkip?.(tick);
      continue;
    }
    start(tick);
  }
  await state.running;
}

function sleepUntil(tick: number, clock: () => number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, Math.max(0, tick - clock()));
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
