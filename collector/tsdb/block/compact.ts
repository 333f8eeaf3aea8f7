/**
 * Compaction: N blocks in, one block out, holding every series of every
 * input minus what their tombstones delete (Prometheus' LeveledCompactor).
 * The result's level is one more than the highest input's, its sources are
 * the union of the inputs' sources, and its parents name the inputs, so a
 * restart after a crash between "new block renamed in" and "inputs removed"
 * knows which inputs are superseded (see removeLeftovers).
 *
 * Chunks are copied byte for byte when they can be; a series is re-encoded
 * only where inputs overlap in time or a tombstone cuts into one of its chunks.
 */
import { ENCODING_XOR, XorChunk, XorIterator } from '../chunkenc/index.js';
import type { StoreError } from '../interface.js';
import { compareLabelPairs, labelsFromPairs, type LabelPairs } from '../labels/label-set.js';
import type { Result } from '../../result.js';
import type { Block } from './block.js';
import { writeBlock, type BlockSeriesInput, type ChunkInput } from './block-writer.js';
import type { IndexChunkMeta } from './index-writer.js';
import type { BlockDesc, BlockMeta } from './meta.js';
import { inIntervals, type Interval } from './tombstones.js';
import type { RandomSource } from './ulid.js';

/** Samples per re-encoded chunk, as the head cuts them. */
const SAMPLES_PER_CHUNK = 120;

export interface CompactOptions {
  readonly clock?: () => number;
  readonly random?: RandomSource;
  /** Keep the inputs' level instead of raising it (used to rewrite a block without its tombstones). */
  readonly keepLevel?: boolean;
}

interface SourceChunk extends IndexChunkMeta {
  readonly block: Block;
  readonly deleted: readonly Interval[] | undefined;
}

/**
 * Writes the merged block into `dataDir` and returns its meta, or null when
 * nothing is left (every sample deleted). The inputs are left untouched: close
 * them, then removeLeftovers() deletes the ones the new block supersedes.
 */
export async function compactBlocks(
  dataDir: string,
  sources: readonly Block[],
  options: CompactOptions = {},
): Promise<Result<BlockMeta | null, StoreError>> {
  const metas = sources.map((b) => b.meta);
  const level = Math.max(...metas.map((m) => m.compaction.level));
  const parents: BlockDesc[] = metas.map((m) => ({ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime }));
  const sourceUlids = [...new Set(metas.flatMap((m) => m.compaction.sources ?? [m.ulid]))].sort();
  return writeBlock(dataDir, mergeSeries(sources), {
    minTime: Math.min(...metas.map((m) => m.minTime)),
    maxTime: Math.max(...metas.map((m) => m.maxTime)),
    compaction: { level: options.keepLevel ? level : level + 1, sources: sourceUlids, parents },
    sorted: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
}

/** Every series of every block, chunks merged, in label order. */
function* mergeSeries(blocks: readonly Block[]): Generator<BlockSeriesInput> {
  const all: { pairs: LabelPairs; block: Block; ref: number }[] = [];
  for (const block of blocks) {
    for (const ref of block.index.allRefs) all.push({ pairs: block.index.series(ref).pairs, block, ref });
  }
  // Stable sort: on equal label sets the earlier block in `blocks` comes first.
  all.sort((a, b) => compareLabelPairs(a.pairs, b.pairs));
  for (let i = 0; i < all.length;) {
    let j = i + 1;
    while (j < all.length && compareLabelPairs(all[i]!.pairs, all[j]!.pairs) === 0) j++;
    const parts: SourceChunk[] = [];
    for (const { block, ref } of all.slice(i, j)) {
      const deleted = block.tombstones().get(ref);
      for (const c of block.index.series(ref).chunks) parts.push({ ...c, block, deleted });
    }
    const chunks = mergeChunks(parts);
    if (chunks.length > 0) yield { labels: labelsFromPairs(all[i]!.pairs), chunks };
    i = j;
  }
}

function mergeChunks(parts: SourceChunk[]): ChunkInput[] {
  parts.sort((a, b) => a.minT - b.minT);
  let copyable = true;
  for (let k = 0; k < parts.length && copyable; k++) {
    const c = parts[k]!;
    const prev = parts[k - 1];
    if (prev && c.minT <= prev.maxT) copyable = false;
    if (c.deleted?.some((iv) => iv.maxT >= c.minT && iv.minT <= c.maxT)) copyable = false;
  }
  if (copyable) {
    const out: ChunkInput[] = [];
    for (const c of parts) {
      const raw = c.block.chunks.chunk(c.ref);
      out.push({ minT: c.minT, maxT: c.maxT, data: raw.data, encoding: raw.encoding });
    }
    return out;
  }
  return reencode(parts);
}

/** Decodes every part, merges by time (first source wins on equal timestamps), drops deleted samples. */
function reencode(parts: readonly SourceChunk[]): ChunkInput[] {
  const ts: number[] = [];
  const vs: number[] = [];
  for (const c of parts) {
    const raw = c.block.chunks.chunk(c.ref);
    if (raw.encoding !== ENCODING_XOR) continue; // native histograms are not supported yet
    const it = new XorIterator(raw.data);
    while (it.next()) {
      if (c.deleted && inIntervals(c.deleted, it.t)) continue;
      ts.push(it.t);
      vs.push(it.v);
    }
  }
  const order = ts.map((_, k) => k).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const out: ChunkInput[] = [];
  let chunk: XorChunk | undefined;
  let minT = 0;
  let lastT = -Infinity;
  const flush = (): void => {
    if (chunk && chunk.numSamples > 0) out.push({ minT, maxT: lastT, data: chunk.bytes().slice() });
    chunk = undefined;
  };
  for (const k of order) {
    const t = ts[k]!;
    if (t === lastT) continue;
    if (!chunk || chunk.numSamples >= SAMPLES_PER_CHUNK) {
      flush();
      chunk = new XorChunk();
      minT = t;
    }
    chunk.append(t, vs[k]!);
    lastT = t;
  }
  flush();
  return out;
}
