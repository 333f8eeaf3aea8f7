/**
 * An opened block: meta, index, chunk segments and tombstones, checked once
 * when opened so that a damaged block is refused up front (with its path and
 * the byte offset of the damage) instead of failing some later query.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError, type Matcher, type Querier } from '../interface.js';
import { compileMatchers } from '../labels/matcher.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import { err, ok, type Result } from '../../result.js';
import { BlockQuerier, selectRefs, type BlockData } from './block-querier.js';
import { ChunkReader } from './chunks-file.js';
import { CorruptionError } from './decbuf.js';
import { formatMeta, META_FILENAME, parseMeta, type BlockMeta } from './meta.js';
import { IndexReader } from './index-reader.js';
import {
  addInterval,
  countTombstones,
  readTombstones,
  writeTombstones,
  type Interval,
  type Tombstones,
} from './tombstones.js';
import { dirSize, syncDir, writeFileDurably } from './durable-fs.js';

export interface Block {
  readonly dir: string;
  readonly meta: BlockMeta;
  /** Bytes on disk (meta, index, chunks, tombstones). */
  readonly sizeBytes: number;
  /** Reads samples with minT <= t <= maxT. Not to be used after close(). */
  querier(minT: number, maxT: number): Querier;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  tombstones(): Tombstones;
  /**
   * Marks samples of the matching series in [minT, maxT] as deleted (a
   * tombstone, as Prometheus' delete_series API does); compaction or
   * cleanTombstones removes them for good. Resolves with the number of series hit.
   */
  delete(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>>;
  close(): Promise<void>;
}

export interface OpenBlockOptions {
  /** Where chunk read errors found after opening go (a file replaced underneath us). */
  readonly logger?: Logger;
  /** Read every chunk once to check its CRC (default true). */
  readonly verifyChunks?: boolean;
}

/** Opens the block in `dir`; any damage comes back as a StoreError naming the file and offset. */
export async function openBlock(dir: string, options: OpenBlockOptions = {}): Promise<Result<Block, StoreError>> {
  const logger = options.logger ?? silentLogger;
  let chunks: ChunkReader | undefined;
  try {
    const metaFile = join(dir, META_FILENAME);
    const meta = parseMeta(metaFile, await readFile(metaFile, 'utf8'));
    if (!meta.ok) return err(new StoreError(`block ${dir}: ${meta.error.message}`, { cause: meta.error }));
    const index = await IndexReader.open(join(dir, 'index'));
    chunks = await ChunkReader.open(join(dir, 'chunks'));
    if (options.verifyChunks ?? true) {
      const idx = index;
      await chunks.verify(
        (function* () {
          for (const ref of idx.allRefs) for (const c of idx.series(ref).chunks) yield c.ref;
        })(),
      );
    }
    const stones = await readTombstones(dir);
    const sizeBytes = await dirSize(dir);
    return ok(
      new OpenBlock(dir, meta.value, index, chunks, stones, sizeBytes, logger.child({ block: meta.value.ulid })),
    );
  } catch (e) {
    await chunks?.close();
    const why = e instanceof CorruptionError ? e.message : `${(e as Error).message}`;
    return err(new StoreError(`block ${dir} is unreadable: ${why}`, { cause: e }));
  }
}

class OpenBlock implements Block {
  private readonly data: BlockData;

  constructor(
    readonly dir: string,
    private currentMeta: BlockMeta,
    readonly index: IndexReader,
    readonly chunks: ChunkReader,
    private stones: Map<number, Interval[]>,
    readonly sizeBytes: number,
    logger: Logger,
  ) {
    this.data = {
      index,
      chunks,
      tombstones: stones,
      minTime: currentMeta.minTime,
      maxTime: currentMeta.maxTime,
      onReadError: (e) => logger.error('reading a chunk failed after the block was opened', { dir, err: e }),
    };
  }

  get meta(): BlockMeta {
    return this.currentMeta;
  }

  querier(minT: number, maxT: number): Querier {
    return new BlockQuerier(this.data, minT, maxT);
  }

  tombstones(): Tombstones {
    return this.stones;
  }

  async delete(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>> {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) return err(new StoreError(compiled.error.message, { cause: compiled.error }));
    const next = new Map(this.stones);
    let hit = 0;
    for (const ref of selectRefs(this.index, compiled.value)) {
      const s = this.index.series(ref);
      if (!s.chunks.some((c) => c.maxT >= minT && c.minT <= maxT)) continue;
      next.set(ref, addInterval(next.get(ref) ?? [], { minT, maxT }));
      hit++;
    }
    if (hit === 0) return ok(0);
    try {
      await writeTombstones(this.dir, next);
      const meta: BlockMeta = {
        ...this.currentMeta,
        stats: { ...this.currentMeta.stats, numTombstones: countTombstones(next) },
      };
      const metaFile = join(this.dir, META_FILENAME);
      await writeFileDurably(metaFile + '.tmp', formatMeta(meta));
      await rename(metaFile + '.tmp', metaFile);
      await syncDir(this.dir);
      this.currentMeta = meta;
      this.stones = next;
      this.data.tombstones = next;
      return ok(hit);
    } catch (e) {
      return err(
        new StoreError(`recording deletions in block ${this.dir} failed: ${(e as Error).message}`, { cause: e }),
      );
    }
  }

  async close(): Promise<void> {
    await this.chunks.close();
  }
}
