/**
 * Interned strings. Every label name and value is stored once and referred to
 * by a small integer, so a million series that all say `namespace="default"`
 * share one string and carry two 4-byte ids each.
 */
import { compareStrings } from './label-set.js';

const HIGH_UNITS = /[\ud800-\uffff]/;

export class SymbolTable {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];
  /** Ids of strings with code units from U+D800 up, where UTF-16 and UTF-8 order can differ (rare). */
  private readonly high = new Set<number>();

  /** The id of s, adding it if new; `fresh` when s is known to be a flat string of its own (just decoded). */
  intern(s: string, fresh = false): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      // Copy into a fresh flat string: a label value sliced out of a scrape body
      // would otherwise keep the whole body alive, and a concatenated one its parts.
      // (V8 only makes sliced and cons strings from 13 characters up.)
      let flat = s.length >= 13 && !fresh ? Buffer.from(s, 'utf8').toString('utf8') : s;
      if (flat !== s) flat = s; // lone surrogates do not survive UTF-8; keep the original then
      this.strings.push(flat);
      this.ids.set(flat, id);
      if (HIGH_UNITS.test(flat)) this.high.add(id);
    }
    return id;
  }

  /** The id of s, or undefined when s was never interned (so nothing can carry it). */
  lookup(s: string): number | undefined {
    return this.ids.get(s);
  }

  get(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new RangeError(`unknown symbol id ${id}`);
    return s;
  }

  /**
   * Orders two symbols as Prometheus orders strings (UTF-8 bytes). Equal ids
   * are equal strings; otherwise the engine's own comparison is exact unless a
   * string has code units from U+D800 up.
   */
  compare(a: number, b: number): number {
    if (a === b) return 0;
    const x = this.get(a);
    const y = this.get(b);
    if (this.high.has(a) || this.high.has(b)) return compareStrings(x, y);
    return x < y ? -1 : 1;
  }

  get size(): number {
    return this.strings.length;
  }

  /** Approximate bytes held by the strings (UTF-16 in memory), for status pages. */
  bytesOf(id: number): number {
    return this.get(id).length * 2;
  }
}
