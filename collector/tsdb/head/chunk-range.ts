/**
 * When Prometheus cuts a head chunk (tsdb/head_append.go): at ~120 samples,
 * and never across a chunk-range boundary, so a 2 h block can be cut out of
 * the head without splitting a chunk.
 */
export const SAMPLES_PER_CHUNK = 120;
/** The head's chunk range: the block duration, 2 h. */
export const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;

/** End of the chunk-range window holding t (Go's integer division truncates toward zero). */
export function rangeForTimestamp(t: number, widthMs: number): number {
  return Math.trunc(t / widthMs) * widthMs + widthMs;
}

/**
 * Predicts when to cut so that the rest of the range gets evenly filled
 * chunks, assuming the rate seen so far continues (Prometheus' computeChunkEndTime).
 */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}
