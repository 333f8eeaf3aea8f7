/**
 * Lets a flush through to an integration only when the receiver would learn
 * something (Alertmanager's DedupStage.needsUpdate): a firing alert it was
 * not told about, a newly resolved alert when it wants resolved ones, all
 * alerts resolved after it was told some fired, or repeat_interval passed.
 */
import { resolvedAt, type StoredAlert } from '../alerts/index.js';
import type { NflogEntry, NotificationLog } from '../nflog/index.js';
import { ok } from '../result.js';
import type { Integration } from './integration.js';
import type { NotifyContext, Stage } from './stage.js';

export const integrationKey = (n: Integration): string => `${n.receiver}/${n.name}/${n.index}`;

export function splitByStatus(alerts: readonly StoredAlert[], now: number): { firing: string[]; resolved: string[] } {
  const firing: string[] = [];
  const resolved: string[] = [];
  for (const a of alerts) (resolvedAt(a, now) ? resolved : firing).push(a.fingerprint);
  return { firing, resolved };
}

const subset = (xs: readonly string[], of: readonly string[]): boolean => {
  const set = new Set(of);
  return xs.every((x) => set.has(x));
};

export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: readonly string[],
  resolved: readonly string[],
  sendResolved: boolean,
  ctx: Pick<NotifyContext, 'now' | 'repeatIntervalMs'>,
): boolean {
  if (!entry) return firing.length > 0;
  if (!subset(firing, entry.firing)) return true;
  // All resolved: tell the receiver (whatever send_resolved says, so the log
  // forgets the firing set) unless it never heard that anything fired.
  if (firing.length === 0) return entry.firing.length > 0;
  if (sendResolved && !subset(resolved, entry.resolved)) return true;
  return entry.timestamp < ctx.now - ctx.repeatIntervalMs;
}

export const dedupStage = (nflog: NotificationLog, n: Integration): Stage => ({
  exec(ctx, alerts) {
    const { firing, resolved } = splitByStatus(alerts, ctx.now);
    const entry = nflog.query(ctx.groupKey, integrationKey(n));
    return Promise.resolve(ok(needsUpdate(entry, firing, resolved, n.sendResolved, ctx) ? alerts : []));
  },
});

/** Writes what was notified into the log, for the next dedup (SetNotifiesStage). */
export const recordStage = (nflog: NotificationLog, n: Integration): Stage => ({
  async exec(ctx, alerts) {
    const { firing, resolved } = splitByStatus(alerts, ctx.now);
    await nflog.log(ctx.groupKey, integrationKey(n), firing, resolved);
    return ok(alerts);
  },
});
