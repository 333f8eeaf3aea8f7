/**
 * Reads one series over [minT, maxT]: its XOR chunks in order, merged with its
 * out-of-order samples, minus deleted intervals. On equal timestamps the
 * in-order sample wins. No object is allocated per sample unless at() is called.
 */
import { XorIterator } from '../chunkenc/xor-chunk.js';
import type { Sample, SampleIterator } from '../interface.js';
import type { ChunkMeta } from './mem-series.js';

/** Closed intervals [min, max] of deleted time, flat: [min0, max0, min1, max1, ...]. */
export type Intervals = readonly number[];

export function deleted(intervals: Intervals | undefined, t: number): boolean {
  if (!intervals) return false;
  for (let i = 0; i < intervals.length; i += 2) if (t >= intervals[i]! && t <= intervals[i + 1]!) return true;
  return false;
}

/** A chunk that may sit inside a larger buffer (an arena page): its bytes are [offset, offset + length). */
export interface ChunkView extends ChunkMeta {
  readonly offset?: number;
  readonly length?: number;
}

export class HeadSeriesIterator implements SampleIterator {
  private chunkIdx = -1;
  private it: XorIterator | undefined;
  /** In-order source: has a current sample? */
  private aOk = false;
  private aT = 0;
  private aV = 0;
  private oIdx = -1;
  private started = false;
  t = 0;
  v = 0;

  constructor(
    private readonly chunks: readonly ChunkView[],
    /** Out-of-order samples inside [minT, maxT], sorted (copies). */
    private readonly oooTs: Float64Array,
    private readonly oooVs: Float64Array,
    private readonly minT: number,
    private readonly maxT: number,
    private readonly tombstones: Intervals | undefined,
  ) {}

  /** Advances the in-order source to its next sample within range. */
  private advanceA(): void {
    for (;;) {
      if (this.it && this.it.next()) {
        const t = this.it.t;
        if (t > this.maxT) break;
        if (t < this.minT) continue;
        this.aT = t;
        this.aV = this.it.v;
        this.aOk = true;
        return;
      }
      this.chunkIdx++;
      const c = this.chunks[this.chunkIdx];
      if (!c || c.minT > this.maxT) break;
      this.it = c.offset === undefined ? new XorIterator(c.bytes) : new XorIterator(c.bytes, c.offset, c.length);
    }
    this.aOk = false;
    this.it = undefined;
    this.chunkIdx = this.chunks.length;
  }

  private lastFromOoo = false;
  private done = false;

  next(): boolean {
    if (this.done) return false;
    if (!this.started) {
      this.started = true;
      this.oIdx = 0;
      this.advanceA();
    } else this.step();
    if (this.pick()) return true;
    this.done = true;
    return false;
  }

  /** Consumes the current sample from the source it came from. */
  private step(): void {
    if (this.lastFromOoo) this.oIdx++;
    else this.advanceA();
  }

  /** Sets t/v to the earlier head of the two sources, skipping deleted samples. */
  private pick(): boolean {
    for (;;) {
      const hasO = this.oIdx < this.oooTs.length;
      if (!this.aOk && !hasO) return false;
      if (this.aOk && (!hasO || this.aT <= this.oooTs[this.oIdx]!)) {
        // An out-of-order sample at the same time is shadowed by the in-order one.
        if (hasO && this.oooTs[this.oIdx] === this.aT) this.oIdx++;
        this.t = this.aT;
        this.v = this.aV;
        this.lastFromOoo = false;
      } else {
        this.t = this.oooTs[this.oIdx]!;
        this.v = this.oooVs[this.oIdx]!;
        this.lastFromOoo = true;
      }
      if (!deleted(this.tombstones, this.t)) return true;
      this.step();
    }
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (!this.started && !this.next()) return false;
    while (this.t < t) if (!this.next()) return false;
    return true;
  }

  at(): Sample {
    return { t: this.t, v: this.v };
  }
}
