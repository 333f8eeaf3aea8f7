/**
 * Feeds WAL records back into the head at open. Series keep their logged
 * refs (a ref seen in the WAL is never handed out again), samples go through
 * the same rules as live appends except that out-of-order ones are kept even
 * if the window has been turned off since (they were acknowledged).
 */
import type { ReplayHandler } from '../wal/wal.js';
import type { Head } from './head.js';
import type { MemSeries } from './mem-series.js';

export function replayIntoHead(head: Head): ReplayHandler {
  const byWalRef = new Map<number, MemSeries>();
  return {
    series: (rec) => {
      head.reserveRef(rec.ref);
      byWalRef.set(rec.ref, head.restore(rec.pairs, rec.ref));
    },
    sample: (ref, t, v) => {
      head.reserveRef(ref);
      const s = byWalRef.get(ref);
      if (s) head.apply(s, t, v, true);
    },
    tombstone: (rec) => {
      const s = byWalRef.get(rec.ref);
      if (s) head.addTombstone(s.ref, rec.minT, rec.maxT);
    },
  };
}
