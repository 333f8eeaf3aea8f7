// snappyjs ships no types. A dev dependency: the tests and bench/snappy-cost.mjs check our own
// snappy block codec (snappy-block.ts, snappy-compress.ts) against it.
declare module 'snappyjs' {
  export function compress(uncompressed: Uint8Array): Uint8Array;
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
