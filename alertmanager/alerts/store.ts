/**
 * Every alert Alertmanager currently knows, by fingerprint (provider/mem).
 * A new version of an alert whose active range overlaps the stored one is
 * merged into it; listeners (the dispatcher) hear about every stored version.
 */
import { mergeAlerts, resolvedAt, type StoredAlert } from './alert.js';

export type AlertListener = (alert: StoredAlert) => void;

export class AlertStore {
  readonly #alerts = new Map<string, StoredAlert>();
  readonly #listeners = new Set<AlertListener>();

  /** Stores each alert (merged with an overlapping stored one) and tells listeners. */
  put(alerts: readonly StoredAlert[], now: number): void {
    for (const incoming of alerts) {
      let alert = incoming;
      const old = this.#alerts.get(alert.fingerprint);
      if (old) {
        const overlaps =
          (alert.endsAt > old.startsAt && alert.endsAt < old.endsAt) ||
          (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt);
        if (overlaps) alert = mergeAlerts(old, alert, now);
      }
      this.#alerts.set(alert.fingerprint, alert);
      for (const l of this.#listeners) l(alert);
    }
  }

  get(fp: string): StoredAlert | undefined {
    return this.#alerts.get(fp);
  }

  list(): StoredAlert[] {
    return [...this.#alerts.values()];
  }

  /** Returns an unsubscribe function. New listeners first see every stored alert. */
  subscribe(l: AlertListener): () => void {
    this.#listeners.add(l);
    for (const a of this.#alerts.values()) l(a);
    return () => this.#listeners.delete(l);
  }

  /** Drops resolved alerts (Alertmanager does this every 30 minutes); returns them. */
  gc(now: number): StoredAlert[] {
    const dropped: StoredAlert[] = [];
    for (const [fp, a] of this.#alerts) {
      if (resolvedAt(a, now)) {
        this.#alerts.delete(fp);
        dropped.push(a);
      }
    }
    return dropped;
  }
}
