/**
 * One aggregation group: the alerts of one route that share the group_by
 * labels, notified together. As in Alertmanager's aggrGroup the first flush
 * comes group_wait after the group is created (at once if an alert already
 * started longer than group_wait ago), then one every group_interval; a
 * flush notifies about every alert in the group and, when the notification
 * went out, forgets the resolved alerts that did not change meanwhile.
 */
import { resolvedAt, type StoredAlert } from '../alerts/index.js';
import type { LabelSet } from '../labels/index.js';
import type { Route } from './route.js';

export type Clock = () => number;

/** What a flush hands to the notification pipeline; times in ms since epoch. */
export interface FlushRequest {
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly route: Route;
  /** Firing alerts carry endsAt 0, resolved ones their end (Alertmanager zeroes the former). */
  readonly alerts: readonly StoredAlert[];
  readonly now: number;
  /** Notifications still running at this time are given up (the next group_interval). */
  readonly deadline: number;
}

/** Resolves true when every integration was notified (or had nothing to say). */
export type FlushFn = (req: FlushRequest) => Promise<boolean>;

export class AggrGroup {
  readonly #alerts = new Map<string, StoredAlert>();
  #timer: NodeJS.Timeout | undefined;
  #hasFlushed = false;
  #flushing = false;
  #inFlight: Promise<void> = Promise.resolve();
  #tickPending = false;
  #stopped = false;

  constructor(
    readonly route: Route,
    readonly groupKey: string,
    readonly groupLabels: LabelSet,
    private readonly clock: Clock,
    private readonly flushFn: FlushFn,
    private readonly onError: (e: unknown) => void,
  ) {
    this.#schedule(route.opts.groupWaitMs);
  }

  insert(alert: StoredAlert): void {
    this.#alerts.set(alert.fingerprint, alert);
    if (!this.#hasFlushed && alert.startsAt + this.route.opts.groupWaitMs < this.clock()) this.#schedule(0);
  }

  get empty(): boolean {
    return this.#alerts.size === 0;
  }

  alerts(): StoredAlert[] {
    return [...this.#alerts.values()];
  }

  /** Stops the timer; resolves when a flush still running has finished. */
  stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    return this.#inFlight;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref?.();
  }

  #tick(): void {
    // A flush still running delays the next one, as Go's timer channel does.
    if (this.#flushing) {
      this.#tickPending = true;
      return;
    }
    this.#hasFlushed = true;
    this.#schedule(this.route.opts.groupIntervalMs);
    this.#flushing = true;
    this.#inFlight = this.#flush()
      .catch(this.onError)
      .finally(() => {
        this.#flushing = false;
        if (this.#tickPending && !this.#stopped) {
          this.#tickPending = false;
          this.#tick();
        }
      });
  }

  async #flush(): Promise<void> {
    if (this.empty) return;
    const now = this.clock();
    const snapshot = this.alerts();
    const resolved = snapshot.filter((a) => resolvedAt(a, now));
    // Firing alerts go out without an end time, so that they cannot turn
    // resolved on their way through the pipeline.
    const alerts = snapshot.map((a) => (resolvedAt(a, now) ? a : { ...a, endsAt: 0 })).sort(compareAlerts);
    const sent = await this.flushFn({
      groupKey: this.groupKey,
      groupLabels: this.groupLabels,
      route: this.route,
      alerts,
      now,
      deadline: now + this.route.opts.groupIntervalMs,
    });
    if (!sent) return;
    for (const r of resolved) {
      const cur = this.#alerts.get(r.fingerprint);
      if (cur && cur.updatedAt === r.updatedAt) this.#alerts.delete(r.fingerprint);
    }
  }
}

/** Alertmanager's AlertSlice order: by job, then instance (present first), then LabelSet.Before. */
export function compareAlerts(a: StoredAlert, b: StoredAlert): number {
  for (const k of ['job', 'instance']) {
    const x = a.labels[k];
    const y = b.labels[k];
    if (x === undefined && y === undefined) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return labelSetBefore(a.labels, b.labels) ? -1 : labelSetBefore(b.labels, a.labels) ? 1 : 0;
}

/** Prometheus' LabelSet.Before: fewer labels first, then by sorted names and values. */
export function labelSetBefore(ls: LabelSet, o: LabelSet): boolean {
  const n = Object.keys(ls).length;
  const m = Object.keys(o).length;
  if (n !== m) return n < m;
  for (const ln of [...Object.keys(ls), ...Object.keys(o)].sort()) {
    const x = ls[ln];
    const y = o[ln];
    if (x === undefined) return true;
    if (y === undefined) return false;
    if (x !== y) return x < y;
  }
  return false;
}
