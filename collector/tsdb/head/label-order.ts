/**
 * Sorting a selection of head series by labels. Comparing label sets symbol
 * by symbol dominated selects of a few thousand series, so the head's live
 * series are ranked in label order once and later selections sort on those
 * integers. A new series (or a reused ref) is not in the table; the
 * selection is then sorted directly, and the table rebuilt only after a few
 * such misses, so a store whose series churn never pays for a full sort on
 * every query.
 */
import type { Head } from './head.js';
import type { MemSeries } from './mem-series.js';

interface LabelOrder {
  /** The series each rank was computed for, by ref (identity check). */
  readonly of: Array<MemSeries | undefined>;
  readonly rank: Int32Array;
}

interface OrderState {
  order: LabelOrder | undefined;
  /** Direct sorts since the table went stale; it is rebuilt at REBUILD_AFTER. */
  misses: number;
}

/** Below this many series a direct sort is cheap enough. */
const MIN_SELECTION = 256;
/** Rank the whole head only when the selection is at least 1/8 of it (a full sort then costs a few direct sorts). */
const MAX_HEAD_PER_SELECTION = 8;
const REBUILD_AFTER = 4;

const states = new WeakMap<Head, OrderState>();

/** Sorts `picked` in place as Prometheus' labels.Compare orders their label sets. */
export function sortByLabels(head: Head, picked: MemSeries[]): void {
  if (picked.length < 2) return;
  let state = states.get(head);
  if (state === undefined) {
    state = { order: undefined, misses: REBUILD_AFTER };
    states.set(head, state);
  }
  if (state.order !== undefined && !covers(state.order, picked)) {
    state.order = undefined;
    state.misses = 0;
  }
  if (
    state.order === undefined &&
    picked.length >= MIN_SELECTION &&
    head.numSeries <= picked.length * MAX_HEAD_PER_SELECTION &&
    state.misses >= REBUILD_AFTER
  ) {
    state.order = build(head);
  }
  const order = state.order;
  if (order === undefined) {
    state.misses++;
    picked.sort((a, b) => head.compareSeries(a, b));
    return;
  }
  const rank = order.rank;
  picked.sort((a, b) => rank[a.ref]! - rank[b.ref]!);
}

function covers(order: LabelOrder, picked: readonly MemSeries[]): boolean {
  const of = order.of;
  for (let i = 0; i < picked.length; i++) {
    const s = picked[i]!;
    if (of[s.ref] !== s) return false;
  }
  return true;
}

function build(head: Head): LabelOrder {
  const all = head.seriesRefs((idx) => idx.select([]));
  all.sort((a, b) => head.compareSeries(a, b));
  let maxRef = 0;
  for (const s of all) if (s.ref > maxRef) maxRef = s.ref;
  const of = new Array<MemSeries | undefined>(maxRef + 1);
  const rank = new Int32Array(maxRef + 1);
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    of[s.ref] = s;
    rank[s.ref] = i;
  }
  return { of, rank };
}
