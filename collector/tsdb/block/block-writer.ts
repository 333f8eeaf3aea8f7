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
  /** The series come in label order: stream them instead of collecting and sorting. */
  readonly sorted?: boolean;
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
 * Series may come in any order unless `options.sorted` says they are in label
 * order, in which case they stream to disk and only the index stays in memory
 * (compaction relies on that). Each series' chunks must be in time order.
 */
export async function writeBlock(
  dir: string,
  series: Iterable<BlockSeriesInput>,
  options: WriteBlockOptions = {},
): Promise<Result<BlockMeta | null, StoreError>> {
  let source: Iterable<Result<Prepared | null, StoreError>> = prepareEach(series);
  if (!options.sorted) {
    const all: Prepared[] = [];
    for (const p of source) {
      if (!p.ok) return p;
      if (p.value) all.push(p.value);
    }
    source = all.sort((x, y) => compareLabelPairs(x.pairs, y.pairs)).map((x) => ok(x));
  }

  const ulid = newUlid((options.clock ?? Date.now)(), options.random);
  const tmp = join(dir, ulid + TMP_FOR_CREATION);
  const chunkWriter = new ChunkWriter(join(tmp, 'chunks'), options.segmentMaxBytes);
  let finished = false;
  try {
    await mkdir(join(tmp, 'chunks'), { recursive: true });
    const entries: IndexSeriesEntry[] = [];
    let numSamples = 0;
    let numChunks = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    let prev: LabelPairs | undefined;
    for (const p of source) {
      if (!p.ok) return p;
      if (!p.value) continue;
      const s = p.value;
      if (prev) {
        const c = compareLabelPairs(prev, s.pairs);
        if (c === 0) return err(new StoreError(`series ${formatPairs(s.pairs)} is given twice`));
        if (c > 0)
          return err(
            new StoreError(
              `series ${formatPairs(s.pairs)} comes after ${formatPairs(prev)}; sorted input must be in label order`,
            ),
          );
      }
      prev = s.pairs;
      const metas: IndexChunkMeta[] = [];
      for (const c of s.chunks) {
        const outside =
          (options.minTime !== undefined && c.minT < options.minTime) ||
          (options.maxTime !== undefined && c.maxT >= options.maxTime);
        if (outside) {
          return err(
            new StoreError(
              `block range [${options.minTime ?? '-inf'}, ${options.maxTime ?? '+inf'}) does not contain series ${formatPairs(s.pairs)}'s chunk [${c.minT}, ${c.maxT}]`,
            ),
          );
        }
        const ref = await chunkWriter.write(c.encoding ?? ENCODING_XOR, c.data);
        metas.push({ minT: c.minT, maxT: c.maxT, ref });
        numSamples += (c.data[0]! << 8) | c.data[1]!;
        numChunks++;
        if (c.minT < minT) minT = c.minT;
        if (c.maxT > maxT) maxT = c.maxT;
      }
      entries.push({ pairs: s.pairs, chunks: metas });
    }
    await chunkWriter.close();
    if (numChunks === 0) return ok(null);

    const meta: BlockMeta = {
      ulid,
      minTime: options.minTime ?? minT,
      maxTime: options.maxTime ?? maxT + 1,
      stats: { numSamples, numSeries: entries.length, numChunks },
      compaction: {
        level: options.compaction?.level ?? 1,
        sources: [...(options.compaction?.sources ?? [ulid])],
        ...(options.compaction?.parents ? { parents: [...options.compaction.parents] } : {}),
      },
      version: 1,
    };
    await writeFileDurably(join(tmp, 'index'), encodeIndex(entries));
    await writeFileDurably(join(tmp, TOMBSTONES_FILENAME), encodeTombstones(new Map()));
    await writeFileDurably(join(tmp, META_FILENAME), formatMeta(meta));
    await syncDir(join(tmp, 'chunks'));
    await syncDir(tmp);
    await rename(tmp, join(dir, ulid));
    finished = true;
    await syncDir(dir);
    return ok(meta);
  } catch (e) {
    return err(new StoreError(`writing block ${join(dir, ulid)} failed: ${(e as Error).message}`, { cause: e }));
  } finally {
    if (!finished) {
      await chunkWriter.abort();
      await removeDir(tmp).catch(() => undefined);
    }
  }
}

function* prepareEach(series: Iterable<BlockSeriesInput>): Generator<Result<Prepared | null, StoreError>> {
  for (const s of series) yield prepare(s);
}

/** Canonicalises and checks one series; null when it has no samples. Problems name the series. */
function prepare(s: BlockSeriesInput): Result<Prepared | null, StoreError> {
  const pairs = canonicalPairs(s.labels);
  if (pairs.length === 0) return err(new StoreError('a series without labels cannot be stored'));
  const chunks = s.chunks.filter((c) => c.data.length >= 2 && ((c.data[0]! << 8) | c.data[1]!) > 0);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (!Number.isSafeInteger(c.minT) || !Number.isSafeInteger(c.maxT) || c.maxT < c.minT) {
      return err(new StoreError(`series ${formatPairs(pairs)}: chunk ${i}: invalid time range [${c.minT}, ${c.maxT}]`));
    }
    const prev = chunks[i - 1];
    if (prev && c.minT <= prev.maxT) {
      return err(
        new StoreError(
          `series ${formatPairs(pairs)}: chunk ${i} starts at ${c.minT}, not after the previous chunk's end ${prev.maxT}`,
        ),
      );
    }
  }
  return ok(chunks.length > 0 ? { pairs, chunks } : null);
}

/** `{a="1", b="2"}`, as Prometheus prints label sets. */
export function formatPairs(pairs: LabelPairs): string {
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) parts.push(`${pairs[i]!}=${JSON.stringify(pairs[i + 1]!)}`);
  return `{${parts.join(', ')}}`;
}
