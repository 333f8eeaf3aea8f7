/**
 * Polls until `fn` yields a value (not undefined), for tests that wait on
 * real processes. A throw or rejection counts as "not yet"; the last one is
 * in the time-out message, with `detail()` (e.g. a peer's log) when given.
 */
export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly detail?: () => string;
}

export async function eventually<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, o: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last === undefined ? '' : ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})`;
      throw new Error(`timed out waiting for ${what}${why}${o.detail ? `\n${o.detail()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
