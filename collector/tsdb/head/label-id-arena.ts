/**
 * The label ids of every series, [nameId, valueId, ...], packed into one
 * Int32Array. A number[] per series would cost ~176 bytes for eight labels
 * (array object plus 8-byte slots); here it costs 4 bytes per id and the
 * series keeps an offset and a length. Slots of removed series are reclaimed
 * by compact(), which the head runs after truncation when over half is dead.
 */
export class LabelIdArena {
  ids = new Int32Array(1024);
  private used = 0;
  private dead = 0;

  /** Stores ids; returns their offset. */
  put(ids: readonly number[]): number {
    if (this.used + ids.length > this.ids.length) {
      // 1.5x: the arena is large (16 ids per 8-label series), so spare room costs real memory.
      let cap = Math.ceil(this.ids.length * 1.5);
      while (cap < this.used + ids.length) cap = Math.ceil(cap * 1.5);
      const next = new Int32Array(cap);
      next.set(this.ids.subarray(0, this.used));
      this.ids = next;
    }
    const off = this.used;
    for (let i = 0; i < ids.length; i++) this.ids[off + i] = ids[i]!;
    this.used += ids.length;
    return off;
  }

  /** A copy of the ids at [off, off + n). */
  slice(off: number, n: number): number[] {
    return Array.from(this.ids.subarray(off, off + n));
  }

  free(n: number): void {
    this.dead += n;
  }

  get wasteful(): boolean {
    return this.dead > 4096 && this.dead * 2 > this.used;
  }

  /**
   * Rewrites the arena with only the live series' ids; `live` yields each
   * series' current (offset, length) and receives its new offset.
   */
  compact(live: Iterable<{ idsOff: number; readonly idsLen: number }>): void {
    const next = new Int32Array(Math.max(1024, this.used - this.dead));
    let used = 0;
    for (const s of live) {
      next.set(this.ids.subarray(s.idsOff, s.idsOff + s.idsLen), used);
      s.idsOff = used;
      used += s.idsLen;
    }
    this.ids = next;
    this.used = used;
    this.dead = 0;
  }
}
