/**
 * Writes a block directory Prometheus can open:
 *
 *   <dir>/<ULID>/meta.json, index, tombstones, chunks/000001...
 *
 * Everything goes into `<ULID>.tmp-for-creation` first (the suffix Prometheus
 * itself uses, so either of us cleans up the other's leftovers), is fsynced,
 * and is then renamed into place: a reader sees a whole block or none.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ENCODING_XOR } from '../chunkenc/index.js';
import { StoreError, type Labels } from '../interface.js';
import { canonicalPairs, compareLabelPairs, type LabelPairs } from '../labels/label-set.js';
import { err, ok, type Result } from '../../result.js';
import { ChunkWriter } from './chunks-file.js';
import { removeDir, syncDir, writeFileDurably } from './durable-fs.js';
import { encodeIndex, type IndexChunkMeta, type IndexSeriesEntry } from './index-writer.js';
import { formatMeta, META_FILENAME, type BlockDesc, type BlockMeta } from './meta.js';
import { encodeTombstones, TOMBSTONES_FILENAME } from './tombstones.js';
import { newUlid, type RandomSource } from './ulid.js';

/** One chunk as the head (or a compaction) hands it over; `data` holds the encoded chunk. */
export interface ChunkInput {
  readonly minT: number;
  readonly maxT: number;
  readonly data: Uint8Array;
  /** Prometheus' chunk encoding byte; XOR (1) unless said otherwise. */
  readonly encoding?: number;
}

export interface BlockSeriesInput {
  readonly labels: Labels;
  /** Sorted by time and not overlapping. */
  readonly chunks: readonly ChunkInput[];
}

export interface WriteBlockOptions {
  /** Inclusive start of the block's range; defaults to the earliest sample. */
  readonly minTime?: number;
  /** Exclusive end of the block's range; defaults to the latest sample + 1. */
  readonly maxTime?: number;
  /** Level 1 with itself as the only source unless given (compaction passes its own). */
  readonly compaction?: {
    readonly level: number;
    readonly sources?: readonly string[];
    readonly parents?: readonly BlockDesc[];
  };
  readonly clock?: () => number;
  readonly random?: RandomSource;
  /** For tests of segment cutting; Prometheus' 512 MiB by default. */
  readonly segmentMaxBytes?: number;
}

export const TMP_FOR_CREATION = '.tmp-for-creation';

interface Prepared {
  readonly pairs: LabelPairs;
  readonly chunks: readonly ChunkInput[];
}

/**
 * Writes the series into a new block under `dir` and returns its meta, or
 * `null` when there is no sample to write (Prometheus keeps no empty blocks).
 * Series may come in any order; their chunks must be in time order.
 */
export async function writeBlock(
  dir: string,
  series: Iterable<BlockSeriesInput>,
  options: WriteBlockOptions = {},
): Promise<Result<BlockMeta | null, StoreError>> {
  const prepared = prepare(series);
  if (!prepared.ok) return prepared;
  const list = prepared.value;
  let numSamples = 0;
  let numChunks = 0;
  let minT = Infinity;
  let maxT = -Infinity;
  for (const s of list) {
    for (const c of s.chunks) {
      numSamples += (c.data[0]! << 8) | c.data[1]!;
      numChunks++;
      if (c.minT < minT) minT = c.minT;
      if (c.maxT > maxT) maxT = c.maxT;
    }
  }
  if (numChunks === 0) return ok(null);
  const minTime = options.minTime ?? minT;
  const maxTime = options.maxTime ?? maxT + 1;
  if (minT < minTime || maxT >= maxTime) {
    return err(
      new StoreError(`block range [${minTime}, ${maxTime}) does not contain the samples' range [${minT}, ${maxT}]`),
    );
  }

  const ulid = newUlid((options.clock ?? Date.now)(), options.random);
  const meta: BlockMeta = {
    ulid,
    minTime,
    maxTime,
    stats: { numSamples, numSeries: list.length, numChunks },
    compaction: {
      level: options.compaction?.level ?? 1,
      sources: [...(options.compaction?.sources ?? [ulid])],
      ...(options.compaction?.parents ? { parents: [...options.compaction.parents] } : {}),
    },
    version: 1,
  };

  const tmp = join(dir, ulid + TMP_FOR_CREATION);
  const chunkWriter = new ChunkWriter(join(tmp, 'chunks'), options.segmentMaxBytes);
  try {
    await mkdir(join(tmp, 'chunks'), { recursive: true });
    const entries: IndexSeriesEntry[] = [];
    for (const s of list) {
      const metas: IndexChunkMeta[] = [];
      for (const c of s.chunks) {
        const ref = await chunkWriter.write(c.encoding ?? ENCODING_XOR, c.data);
        metas.push({ minT: c.minT, maxT: c.maxT, ref });
      }
      entries.push({ pairs: s.pairs, chunks: metas });
    }
    await chunkWriter.close();
    await writeFileDurably(join(tmp, 'index'), encodeIndex(entries));
    await writeFileDurably(join(tmp, TOMBSTONES_FILENAME), encodeTombstones(new Map()));
    await writeFileDurably(join(tmp, META_FILENAME), formatMeta(meta));
    await syncDir(join(tmp, 'chunks'));
    await syncDir(tmp);
    await rename(tmp, join(dir, ulid));
    await syncDir(dir);
    return ok(meta);
  } catch (e) {
    await chunkWriter.abort();
    await removeDir(tmp).catch(() => undefined);
    return err(new StoreError(`writing block ${join(dir, ulid)} failed: ${(e as Error).message}`, { cause: e }));
  }
}

/** Canonicalises, sorts and checks the input; every problem names the series. */
function prepare(series: Iterable<BlockSeriesInput>): Result<Prepared[], StoreError> {
  const out: Prepared[] = [];
  for (const s of series) {
    const pairs = canonicalPairs(s.labels);
    const where = (): string => `series ${formatPairs(pairs)}`;
    if (pairs.length === 0) return err(new StoreError('a series without labels cannot be stored'));
    const chunks = s.chunks.filter((c) => c.data.length >= 2 && ((c.data[0]! << 8) | c.data[1]!) > 0);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      if (!Number.isSafeInteger(c.minT) || !Number.isSafeInteger(c.maxT) || c.maxT < c.minT) {
        return err(new StoreError(`${where()}: chunk ${i}: invalid time range [${c.minT}, ${c.maxT}]`));
      }
      const prev = chunks[i - 1];
      if (prev && c.minT <= prev.maxT) {
        return err(
          new StoreError(`${where()}: chunk ${i} starts at ${c.minT}, not after the previous chunk's end ${prev.maxT}`),
        );
      }
    }
    if (chunks.length > 0) out.push({ pairs, chunks });
  }
  out.sort((a, b) => compareLabelPairs(a.pairs, b.pairs));
  for (let i = 1; i < out.length; i++) {
    if (compareLabelPairs(out[i - 1]!.pairs, out[i]!.pairs) === 0) {
      return err(new StoreError(`series ${formatPairs(out[i]!.pairs)} is given twice`));
    }
  }
  return ok(out);
}

/** `{a="1", b="2"}`, as Prometheus prints label sets. */
export function formatPairs(pairs: LabelPairs): string {
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) parts.push(`${pairs[i]!}=${JSON.stringify(pairs[i + 1]!)}`);
  return `{${parts.join(', ')}}`;
}
