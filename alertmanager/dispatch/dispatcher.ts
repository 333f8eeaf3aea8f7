/**
 * Alertmanager's dispatcher: every alert the store accepts is routed through
 * the tree and put into the aggregation group of each matching route, keyed
 * by the route and the alert's group_by labels. Groups left empty (all their
 * alerts resolved and notified) are dropped by a periodic sweep.
 */
import { labelSetString, type AlertStore, type StoredAlert } from '../alerts/index.js';
import type { LabelSet } from '../labels/index.js';
import { AggrGroup, type Clock, type FlushFn } from './aggr-group.js';
import { matchRoutes, type Route } from './route.js';

export interface DispatcherOptions {
  readonly route: Route;
  readonly store: AlertStore;
  readonly clock: Clock;
  readonly flush: FlushFn;
  readonly onError: (e: unknown) => void;
  /** How often empty groups are dropped; Alertmanager uses 30 s. */
  readonly maintenanceIntervalMs?: number;
}

/** Alertmanager's getGroupLabels: the group_by labels the alert has (all of them for `...`). */
export function groupLabelsFor(labels: LabelSet, route: Route): LabelSet {
  if (route.opts.groupByAll) return labels;
  const out: Record<string, string> = {};
  for (const name of route.opts.groupBy) {
    const v = labels[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

export class Dispatcher {
  readonly #groups = new Map<string, AggrGroup>(); // by route id + group key
  readonly #unsubscribe: () => void;
  readonly #sweep: NodeJS.Timeout;

  constructor(private readonly o: DispatcherOptions) {
    this.#unsubscribe = o.store.subscribe((a) => this.#process(a));
    this.#sweep = setInterval(() => this.#maintain(), o.maintenanceIntervalMs ?? 30_000);
    this.#sweep.unref?.();
  }

  #process(alert: StoredAlert): void {
    for (const route of matchRoutes(this.o.route, alert.labels)) {
      const groupLabels = groupLabelsFor(alert.labels, route);
      const groupKey = `${route.key}:${labelSetString(groupLabels)}`;
      const id = `${route.id}\u0000${groupKey}`;
      let g = this.#groups.get(id);
      if (!g) {
        g = new AggrGroup(route, groupKey, groupLabels, this.o.clock, this.o.flush, this.o.onError);
        this.#groups.set(id, g);
      }
      g.insert(alert);
    }
  }

  #maintain(): void {
    for (const [id, g] of this.#groups) {
      if (g.empty) {
        void g.stop();
        this.#groups.delete(id);
      }
    }
  }

  /** The live groups, for /api/v2/alerts/groups and tests. */
  groups(): AggrGroup[] {
    return [...this.#groups.values()];
  }

  /** Stops every group; resolves when their running flushes have finished. */
  async stop(): Promise<void> {
    this.#unsubscribe();
    clearInterval(this.#sweep);
    const running = [...this.#groups.values()].map((g) => g.stop());
    this.#groups.clear();
    await Promise.all(running);
  }
}
