/**
 * A buffer kept between synchronous uses (a request body before snappy reads it,
 * snappy's worst-case block before the result is copied out). A new one per use,
 * ~1 MB per remote-write batch, was most of the collector's short-lived external
 * memory, freed only when V8 next collected its wrapper.
 */

/**
 * Returns a function that gives a buffer of at least `size` bytes, valid until its next
 * call: the kept one, grown to `size` and an eighth more (not doubled: it stays resident),
 * while `size` is at most `maxBytes`; a new one of its own above that.
 *
 * @example
 * const scratch = keptBuffer(4 * 1024 * 1024);
 * const out = scratch(bound); // write, copy the result out, and let go of `out`
 */
export function keptBuffer(maxBytes: number): (size: number) => Uint8Array {
  let kept = new Uint8Array(0);
  return (size) => {
    if (size > maxBytes) return new Uint8Array(size);
    if (kept.length < size) kept = new Uint8Array(Math.min(maxBytes, size + (size >> 3)));
    return kept;
  };
}
