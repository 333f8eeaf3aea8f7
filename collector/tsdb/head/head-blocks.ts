/**
 * What the block writer needs from the head: every series with data in
 * [minT, maxT), as whole XOR chunks. Chunks are handed over verbatim when they
 * lie inside the range and nothing (out-of-order samples, deletions) has to be
 * merged in; otherwise the in-range samples are re-encoded.
 */
import { XorChunk } from '../chunkenc/xor-chunk.js';
import type { Labels } from '../interface.js';
import { labelsFromPairs } from '../labels/label-set.js';
import { SAMPLES_PER_CHUNK } from './chunk-range.js';
import type { Head, SeriesChunks } from './head.js';
import { HeadSeriesIterator } from './series-iterator.js';

/** Shaped like the block writer's BlockSeriesInput (collector/tsdb/block). */
export interface PersistSeries {
  readonly labels: Labels;
  readonly chunks: ReadonlyArray<{ readonly minT: number; readonly maxT: number; readonly data: Uint8Array }>;
}

/**
 * A snapshot: appends after this call do not change what gets written (the
 * growing head chunk comes as a copy; completed chunks never change, and their
 * arena pages are not reused even after truncation frees them).
 */
export function seriesForBlock(head: Head, minT: number, maxT: number): PersistSeries[] {
  const out: PersistSeries[] = [];
  for (const s of head.seriesInRange(minT, maxT)) {
    const chunks = verbatim(s, minT, maxT)
      ? s.chunks.map((c) => ({ minT: c.minT, maxT: c.maxT, data: c.bytes }))
      : reencode(s, minT, maxT);
    if (chunks.length > 0) out.push({ labels: labelsFromPairs(s.pairs), chunks });
  }
  return out;
}

function verbatim(s: SeriesChunks, minT: number, maxT: number): boolean {
  if (s.oooTs.length > 0) return false;
  if (s.tombstones) {
    for (let i = 0; i < s.tombstones.length; i += 2) {
      if (s.tombstones[i]! < maxT && s.tombstones[i + 1]! >= minT) return false;
    }
  }
  return s.chunks.every((c) => c.minT >= minT && c.maxT < maxT);
}

function reencode(
  s: SeriesChunks,
  minT: number,
  maxT: number,
): Array<{ minT: number; maxT: number; data: Uint8Array }> {
  const it = new HeadSeriesIterator(s.chunks, s.oooTs, s.oooVs, minT, maxT - 1, s.tombstones);
  const out: Array<{ minT: number; maxT: number; data: Uint8Array }> = [];
  let c: XorChunk | undefined;
  let first = 0;
  let last = 0;
  const flush = () => {
    if (!c) return;
    c.compact();
    out.push({ minT: first, maxT: last, data: c.bytes() });
    c = undefined;
  };
  while (it.next()) {
    if (c && c.numSamples >= SAMPLES_PER_CHUNK) flush();
    if (!c) {
      c = new XorChunk();
      first = it.t;
    }
    c.append(it.t, it.v);
    last = it.t;
  }
  flush();
  return out;
}
