/**
 * Which blocks to compact next and which to delete for retention, as pure
 * functions of the blocks' metas, following Prometheus' LeveledCompactor.Plan
 * and its time/size retention. The store decides when to run them; these only
 * decide what.
 */
import type { BlockMeta } from './meta.js';

export interface PlannedBlock {
  readonly dir: string;
  readonly meta: BlockMeta;
}

const HOUR_MS = 3600_000;

/** Prometheus' default ranges: 2 h, then ×3 per level (6 h, 18 h, 54 h, ...) up to `maxMs`. */
export function exponentialRanges(minMs = 2 * HOUR_MS, maxMs = 31 * 24 * HOUR_MS, factor = 3): number[] {
  const out: number[] = [];
  for (let r = minMs; r <= maxMs; r *= factor) out.push(r);
  return out;
}

/**
 * The blocks to compact together next, or [] when nothing is due:
 *  1. blocks overlapping in time, merged first;
 *  2. otherwise, for each range above the smallest, the first aligned window
 *     holding several blocks that either fills the window or lies before the
 *     newest block (which is left alone so a fresh block can still be backed up);
 *  3. otherwise a large block whose tombstones touch more than 5 % of its series.
 */
export function planCompaction<T extends PlannedBlock>(blocks: readonly T[], rangesMs: readonly number[]): T[] {
  const sorted = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  const overlapping = selectOverlapping(sorted);
  if (overlapping.length > 0) return overlapping;
  const candidates = sorted.slice(0, -1);
  const picked = selectByRange(candidates, rangesMs);
  if (picked.length > 0) return picked;
  const bigRange = rangesMs[Math.floor(rangesMs.length / 2)] ?? Infinity;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const m = candidates[i]!.meta;
    if (m.maxTime - m.minTime < bigRange) break;
    if ((m.stats.numTombstones ?? 0) / ((m.stats.numSeries ?? 0) + 1) > 0.05) return [candidates[i]!];
  }
  return [];
}

function selectOverlapping<T extends PlannedBlock>(sorted: readonly T[]): T[] {
  let group: T[] = [];
  let groupMax = -Infinity;
  for (const b of sorted) {
    if (group.length > 0 && b.meta.minTime < groupMax) {
      group.push(b);
      groupMax = Math.max(groupMax, b.meta.maxTime);
      continue;
    }
    if (group.length > 1) return group;
    group = [b];
    groupMax = b.meta.maxTime;
  }
  return group.length > 1 ? group : [];
}

function selectByRange<T extends PlannedBlock>(sorted: readonly T[], rangesMs: readonly number[]): T[] {
  if (sorted.length === 0) return [];
  const highTime = sorted[sorted.length - 1]!.meta.minTime;
  for (const range of rangesMs.slice(1)) {
    for (const part of splitByRange(sorted, range)) {
      if (part.some((b) => b.meta.compaction.failed === true)) continue;
      const minT = part[0]!.meta.minTime;
      const maxT = part[part.length - 1]!.meta.maxTime;
      if (part.length > 1 && (maxT - minT === range || maxT <= highTime)) return part;
    }
  }
  return [];
}

/** Groups blocks by the aligned window [k·range, (k+1)·range) that wholly contains them. */
function splitByRange<T extends PlannedBlock>(sorted: readonly T[], range: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < sorted.length;) {
    const m = sorted[i]!.meta;
    const t0 = Math.floor(m.minTime / range) * range;
    if (m.maxTime > t0 + range) {
      i++; // larger than the window; it belongs to a higher level
      continue;
    }
    const group: T[] = [];
    for (; i < sorted.length; i++) {
      const n = sorted[i]!.meta;
      if (n.minTime < t0 || n.maxTime > t0 + range) break;
      group.push(sorted[i]!);
    }
    if (group.length > 0) parts.push(group);
  }
  return parts;
}

export interface RetentionOptions {
  /** Delete blocks whose every sample is older than `nowMs - retentionMs`. */
  readonly retentionMs?: number;
  /** The reference time, e.g. the head's newest sample (Prometheus) or the clock. */
  readonly nowMs: number;
  /** Delete the oldest blocks until blocks + extraBytes fit in this budget. */
  readonly maxBytes?: number;
  /** Bytes used outside blocks (head, WAL) that count against maxBytes. */
  readonly extraBytes?: number;
}

/** The blocks retention removes, oldest first. `sizeOf` gives a block's bytes on disk. */
export function beyondRetention<T extends PlannedBlock>(
  blocks: readonly T[],
  options: RetentionOptions,
  sizeOf: (b: T) => number,
): T[] {
  const newestFirst = [...blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
  const doomed = new Set<T>();
  if (options.retentionMs !== undefined && options.retentionMs > 0) {
    const cutoff = options.nowMs - options.retentionMs;
    for (const b of newestFirst) if (b.meta.maxTime <= cutoff) doomed.add(b);
  }
  if (options.maxBytes !== undefined && options.maxBytes > 0) {
    let used = options.extraBytes ?? 0;
    let over = false;
    for (const b of newestFirst) {
      used += sizeOf(b);
      if (used > options.maxBytes) over = true;
      if (over) doomed.add(b);
    }
  }
  return newestFirst.filter((b) => doomed.has(b)).reverse();
}
