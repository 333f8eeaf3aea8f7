/**
 * Out-of-order samples of one series, kept sorted by time in typed arrays
 * (no object per sample, and NaN payloads such as the stale marker survive,
 * which a plain number[] would not guarantee).
 */
export class OooBuffer {
  ts = new Float64Array(4);
  vs = new Float64Array(4);
  length = 0;

  /** Index of the first sample with timestamp >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value at t, if a sample with that timestamp is stored. */
  has(t: number): boolean {
    const i = this.lowerBound(t);
    return i < this.length && this.ts[i] === t;
  }

  valueAt(t: number): number | undefined {
    const i = this.lowerBound(t);
    return i < this.length && this.ts[i] === t ? this.vs[i] : undefined;
  }

  /** Inserts (t, v); the caller has ruled out an existing sample at t. */
  insert(t: number, v: number): void {
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.length * 2);
      const vs = new Float64Array(this.length * 2);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    const i = this.lowerBound(t);
    this.ts.copyWithin(i + 1, i, this.length);
    this.vs.copyWithin(i + 1, i, this.length);
    this.ts[i] = t;
    this.vs[i] = v;
    this.length++;
  }

  /** Drops samples before t; returns how many remain. */
  dropBefore(t: number): number {
    const i = this.lowerBound(t);
    if (i > 0) {
      this.ts.copyWithin(0, i, this.length);
      this.vs.copyWithin(0, i, this.length);
      this.length -= i;
    }
    return this.length;
  }

  get minT(): number {
    return this.length > 0 ? this.ts[0]! : Infinity;
  }

  get maxT(): number {
    return this.length > 0 ? this.ts[this.length - 1]! : -Infinity;
  }
}
