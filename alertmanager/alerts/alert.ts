/**
 * The alert as Alertmanager keeps it: what a client posted plus the time it
 * was last updated and whether its end time is only a guess (no endsAt was
 * sent, so it ends `resolve_timeout` after the last update unless resent).
 * Times are milliseconds since the epoch; 0 means unset.
 */
import type { LabelSet } from '../labels/index.js';
import { fingerprint } from './fingerprint.js';

export interface StoredAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly generatorURL: string;
  readonly updatedAt: number;
  /** endsAt was set from resolve_timeout, not by the client. */
  readonly timeout: boolean;
  readonly fingerprint: string;
}

/** What a client sends (the ruler's Alert, or API v2's PostableAlert). */
export interface IncomingAlert {
  readonly labels: LabelSet;
  readonly annotations?: LabelSet;
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly generatorURL?: string;
}

export const resolvedAt = (a: StoredAlert, now: number): boolean => a.endsAt !== 0 && a.endsAt <= now;

/**
 * Fills the times a client left out, as Alertmanager's API does on receipt:
 * a missing start is now (or the end, for an alert sent already resolved), a
 * missing end is now + resolveTimeout with the timeout flag set.
 */
export function normalizeAlert(a: IncomingAlert, now: number, resolveTimeoutMs: number): StoredAlert {
  const endsAt0 = a.endsAt ?? 0;
  const startsAt = a.startsAt ? a.startsAt : endsAt0 ? endsAt0 : now;
  const timeout = endsAt0 === 0;
  return {
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt,
    endsAt: timeout ? now + resolveTimeoutMs : endsAt0,
    generatorURL: a.generatorURL ?? '',
    updatedAt: now,
    timeout,
    fingerprint: fingerprint(a.labels),
  };
}

/**
 * Alertmanager's Alert.Merge: the younger update wins, the earliest start is
 * kept, and an explicit end time beats a timeout-derived one.
 */
export function mergeAlerts(a: StoredAlert, o: StoredAlert, now: number): StoredAlert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  let { startsAt, endsAt } = o;
  if (a.startsAt < o.startsAt) startsAt = a.startsAt;
  if (resolvedAt(o, now)) {
    if (resolvedAt(a, now) && a.endsAt > o.endsAt) endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    endsAt = a.endsAt;
  }
  return { ...o, startsAt, endsAt };
}

/** Why an alert was rejected, in Alertmanager's words. */
export function validateAlert(a: IncomingAlert): string | undefined {
  const names = Object.keys(a.labels);
  if (names.length === 0) return 'at least one label pair required';
  for (const n of names) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n)) return `invalid label set: invalid name "${n}"`;
  }
  if (a.startsAt && a.endsAt && a.endsAt < a.startsAt) return 'start time must be before end time';
  return undefined;
}
