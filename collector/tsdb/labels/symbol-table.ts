/**
 * Interned strings. Every label name and value is stored once and referred to
 * by a small integer, so a million series that all say `namespace="default"`
 * share one string and carry two 4-byte ids each.
 */
export class SymbolTable {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];

  /** The id of s, adding it if new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      // Flatten: a string built by concatenation keeps its parts alive otherwise.
      const flat = s.length > 0 ? (s + ' ').slice(0, -1) : s;
      this.strings.push(flat);
      this.ids.set(flat, id);
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

  get size(): number {
    return this.strings.length;
  }

  /** Approximate bytes held by the strings (UTF-16 in memory), for status pages. */
  bytesOf(id: number): number {
    return this.get(id).length * 2;
  }
}
