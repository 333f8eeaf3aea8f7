/**
 * The store as the rest of kubepulse sees it: open, append, query, delete,
 * close. With a directory, every committed sample goes to the write-ahead log
 * first and is replayed at the next open.
 */
import type { Registry } from 'prom-client';
import { err, ok, type Result } from '../result.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Appendable, Appender, Matcher, Queryable, Querier } from './interface.js';
import { StoreError } from './interface.js';
import { Head } from './head/head.js';
import { HeadAppender, type DurableLog } from './head/head-appender.js';
import { replayIntoHead } from './head/head-replay.js';
import { Wal } from './wal/wal.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBlocks, removeLeftovers, writeBlock, type Block } from './block/index.js';
import { BlockSet } from './block-set.js';
import { seriesForBlock } from './head/head-blocks.js';
import { MergeQuerier } from './merge-querier.js';
import { lockDataDir } from './data-dir-lock.js';
import { HeadQuerier } from './head/head-querier.js';
import type { TsdbLimits } from './head/limits.js';
import { compileMatchers } from './labels/matcher.js';
import { registerSelfMetrics } from './self-metrics.js';
import { headStats, type TsdbStats } from './stats.js';

export interface TsdbOptions {
  /** Data directory; undefined keeps everything in memory with no WAL. */
  readonly dir?: string;
  /** Accept samples up to this much older than the newest one, merged on read. Default 0 (off). */
  readonly outOfOrderWindowMs?: number;
  readonly limits?: TsdbLimits;
  readonly logger?: Logger;
  /** Where the store's self-metrics (kubepulse_tsdb_*) go. */
  readonly registry?: Registry;
  /** Milliseconds since the epoch; for anything time-driven inside the store. */
  readonly clock?: () => number;
  /** Block duration and head chunk range; default 2 h. */
  readonly chunkRangeMs?: number;
  /** WAL segment size limit; default 128 MiB. */
  readonly walSegmentMaxBytes?: number;
  /** Delete blocks older than this (relative to the newest sample). Default: keep everything. */
  readonly retentionMs?: number;
  /** Delete the oldest blocks while blocks + WAL exceed this many bytes. */
  readonly retentionBytes?: number;
}

/**
 * Our WAL's folder in the data directory. Not `wal`: that name is Prometheus'
 * and holds its own format, and a data directory should stay openable by
 * promtool and Prometheus, which only need the blocks.
 */
export const WAL_DIR = 'kubepulse-wal';

/** The store. Appenders write, queriers read; see interface.ts for their contracts. */
export interface Tsdb extends Appendable, Queryable {
  /** Flushes and closes the WAL. The store must not be used afterwards. */
  close(): Promise<void>;
  /** Head statistics for /api/v1/status/tsdb; lists hold the top `limit` (default 10). */
  stats(limit?: number): TsdbStats;
  /**
   * Rewrites blocks that carry tombstones without the deleted samples
   * (Prometheus' clean_tombstones). Resolves to the number of blocks rewritten.
   */
  cleanTombstones(): Promise<Result<number, StoreError>>;
  /** WAL segments replayed at open, as /api/v1/status/walreplay reports them. */
  walReplayStatus(): { readonly min: number; readonly max: number; readonly current: number };
  /**
   * Deletes persisted blocks beyond the retention time (measured from `nowMs`)
   * or size. Also runs after every head persistence; this is for the periodic
   * check that catches a store that stopped receiving samples.
   */
  enforceRetention(nowMs: number): Promise<void>;
  /**
   * Deletes the samples of matching series in [minT, maxT] (tombstones, applied
   * on read). Resolves to the number of series affected.
   */
  deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>>;
}

/** The implementation; `head`, `blocks`, `settled()` and `truncateHead()` are for tests and the block writer, not for index.ts. */
export class HeadTsdb implements Tsdb {
  private closed = false;
  replaySeconds = 0;
  private maintenance: Promise<void> = Promise.resolve();
  private maintaining = false;

  constructor(
    readonly head: Head,
    private readonly logger: Logger,
    private readonly wal: Wal | undefined,
    private readonly blockSet: BlockSet | undefined,
    private readonly options: TsdbOptions = {},
    private readonly unlock?: () => Promise<void>,
  ) {}

  /** Persisted blocks, oldest first. */
  get blocks(): readonly Block[] {
    return this.blockSet?.blocks ?? [];
  }

  appender(): Appender {
    if (this.closed) throw new StoreError('store is closed');
    const wal = this.wal;
    const log: DurableLog | undefined = wal
      ? (batch) =>
          wal.logBatch({
            newSeries: batch.newSeries.map((s) => ({ ref: s.ref, pairs: this.head.pairsOf(s) })),
            refs: batch.refs,
            ts: batch.ts,
            vs: batch.vs,
            length: batch.length,
          })
      : undefined;
    return new HeadAppender(this.head, log, () => this.maybePersist());
  }

  querier(minT: number, maxT: number): Querier {
    const head = new HeadQuerier(this.head, minT, maxT);
    const blocks = this.blockSet?.queriers(minT, maxT) ?? [];
    return blocks.length === 0 ? head : new MergeQuerier([...blocks, head]);
  }

  /**
   * Starts persisting the head's oldest chunk range when the head spans more
   * than 1.5 ranges (as Prometheus does); runs in the background, one at a time.
   */
  maybePersist(): void {
    const { head } = this;
    if (!this.blockSet || this.closed || this.maintaining) return;
    if (!(head.maxT - head.minT > 1.5 * head.chunkRangeMs)) return;
    this.maintaining = true;
    void this.serially(() => this.persistAndCompact(this.blockSet!))
      .catch((e: unknown) => this.logger.error('block maintenance failed', { error: e }))
      .finally(() => (this.maintaining = false));
  }

  /**
   * Runs block work (persisting, compacting, deleting, cleaning) one at a
   * time: a deletion racing a block write could otherwise miss the samples
   * the write had already taken from the head.
   */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn);
    this.maintenance = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Waits for background persistence/compaction; for tests and shutdown. */
  async settled(): Promise<void> {
    await this.maintenance;
  }

  private async persistAndCompact(blocks: BlockSet): Promise<void> {
    const { head } = this;
    const r = head.chunkRangeMs;
    // Appends (in order or within the out-of-order window) may still land this close to the newest sample.
    const openMs = Math.max(r / 2, head.oooWindowMs);
    while (!this.closed && head.maxT - head.minT > 1.5 * r) {
      const start = Math.floor(head.minT / r) * r;
      const end = start + r;
      if (end > head.maxT - openMs) break;
      if (!(await this.persistRange(blocks, start, end))) return;
    }
    if (this.closed) return;
    const compacted = await blocks.compact(r);
    if (!compacted.ok) this.logger.error('block compaction failed', { error: compacted.error });
    await this.retain(blocks, head.maxT);
  }

  private async retain(blocks: BlockSet, nowMs: number): Promise<void> {
    const { retentionMs, retentionBytes } = this.options;
    if (retentionMs === undefined && retentionBytes === undefined) return;
    const kept = await blocks.applyRetention({
      retentionMs,
      maxBytes: retentionBytes,
      nowMs,
      extraBytes: this.walBytes(),
    });
    if (!kept.ok) this.logger.error('retention failed', { error: kept.error });
  }

  enforceRetention(nowMs: number): Promise<void> {
    const blocks = this.blockSet;
    if (!blocks || this.closed) return Promise.resolve();
    return this.serially(() => this.retain(blocks, Math.max(nowMs, this.head.maxT)));
  }

  /** Writes head data in [start, end) as a block, then truncates the head below end. */
  private async persistRange(blocks: BlockSet, start: number, end: number): Promise<boolean> {
    const { head } = this;
    // From here on nothing below `end` is accepted, so the snapshot stays complete.
    if (end > head.minValidTime) head.minValidTime = end;
    const series = seriesForBlock(head, start, end);
    const written = await writeBlock(this.options.dir!, series, {
      minTime: start,
      maxTime: end,
      clock: this.options.clock,
    });
    if (!written.ok) {
      this.logger.error('persisting the head failed; will retry', {
        minTime: start,
        maxTime: end,
        error: written.error,
      });
      return false;
    }
    if (written.value) {
      const added = await blocks.add(written.value.ulid);
      if (!added.ok) {
        this.logger.error('cannot open the block just written', { error: added.error });
        return false;
      }
      this.logger.info('head persisted', {
        ulid: written.value.ulid,
        minTime: start,
        maxTime: end,
        series: series.length,
      });
    }
    const t = await this.truncateHead(end);
    if (!t.ok) this.logger.error('WAL checkpoint failed', { error: t.error });
    return true;
  }

  stats(limit = 10): TsdbStats {
    return headStats(this.head, this.walBytes(), limit);
  }

  walReplayStatus(): { min: number; max: number; current: number } {
    return this.wal?.replayStatus ?? { min: 0, max: 0, current: 0 };
  }

  cleanTombstones(): Promise<Result<number, StoreError>> {
    const blocks = this.blockSet;
    if (!blocks) return Promise.resolve(ok(0)); // head tombstones are applied on read
    return this.serially(() => blocks.cleanTombstones());
  }

  walBytes(): number {
    return this.wal?.bytes ?? 0;
  }

  deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>> {
    return this.serially(() => this.deleteNow(matchers, minT, maxT));
  }

  private async deleteNow(
    matchers: readonly Matcher[],
    minT: number,
    maxT: number,
  ): Promise<Result<number, StoreError>> {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) return compiled;
    const series = this.head.seriesRefs((idx) => idx.select(compiled.value));
    if (series.length > 0 && this.wal) {
      // Series never logged yet get their record first, or replay could not place the tombstone.
      const unlogged = series.filter((s) => this.head.unlogged.has(s.ref));
      if (unlogged.length > 0) {
        const r = await this.wal.logBatch({
          newSeries: unlogged.map((s) => ({ ref: s.ref, pairs: this.head.pairsOf(s) })),
          refs: [],
          ts: [],
          vs: new Float64Array(0),
          length: 0,
        });
        if (!r.ok) return r;
        for (const s of unlogged) this.head.unlogged.delete(s.ref);
      }
      const r = await this.wal.logTombstones(series.map((s) => ({ ref: s.ref, minT, maxT })));
      if (!r.ok) return r;
    }
    for (const s of series) this.head.addTombstone(s.ref, minT, maxT);
    const inBlocks = (await this.blockSet?.delete(matchers, minT, maxT)) ?? ok(0);
    if (!inBlocks.ok) return inBlocks;
    this.logger.info('deleted series', { headSeries: series.length, blockSeries: inBlocks.value, minT, maxT });
    return ok(series.length);
  }

  /**
   * Drops head data before t (after it was persisted in a block) and
   * checkpoints the WAL so its segments stop holding it.
   */
  async truncateHead(t: number): Promise<Result<void, StoreError>> {
    const removed = this.head.truncateBefore(t);
    this.logger.info('head truncated', { before: t, ...removed });
    if (!this.wal) return ok(undefined);
    const r = await this.wal.checkpoint((ref) => this.head.getByRef(ref) !== undefined, t);
    return r.ok ? ok(undefined) : r;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance;
    await this.wal?.close();
    await this.blockSet?.close();
    await this.unlock?.();
  }
}

/**
 * Opens the store. With `dir`, opens its blocks and replays the WAL in
 * `<dir>/kubepulse-wal` first; a torn or
 * corrupt tail is cut off with a warning, never a refusal to start.
 * @example
 * const db = await openTsdb({ dir: './data', outOfOrderWindowMs: 10 * 60_000 });
 * if (!db.ok) throw db.error;
 * const app = db.value.appender();
 * app.append({ __name__: 'up', job: 'node' }, Date.now(), 1);
 * await app.commit();
 */
export async function openTsdb(options: TsdbOptions = {}): Promise<Result<Tsdb, StoreError>> {
  const logger = (options.logger ?? silentLogger).child({ component: 'tsdb' });
  const head = new Head({
    chunkRangeMs: options.chunkRangeMs,
    outOfOrderWindowMs: options.outOfOrderWindowMs,
    limits: options.limits,
  });
  let wal: Wal | undefined;
  let replaySeconds = 0;
  let blockSet: BlockSet | undefined;
  let unlock: (() => Promise<void>) | undefined;
  if (options.dir !== undefined) {
    try {
      await mkdir(options.dir, { recursive: true });
      const locked = await lockDataDir(options.dir);
      if (!locked.ok) return locked;
      unlock = locked.value;
      const leftovers = await removeLeftovers(options.dir);
      if (leftovers.length > 0) logger.info('removed leftovers of an interrupted write', { paths: leftovers });
    } catch (e) {
      return err(new StoreError(`cannot prepare data directory ${options.dir}: ${(e as Error).message}`, { cause: e }));
    }
    const listing = await openBlocks(options.dir, { logger });
    for (const p of listing.problems) logger.error('skipping unreadable block', { error: p });
    blockSet = new BlockSet({ dir: options.dir, logger, clock: options.clock }, listing.blocks);
    // Samples already persisted are not taken back from the WAL (a crash between block and checkpoint).
    head.minValidTime = Math.max(head.minValidTime, blockSet.maxTime);
    const opened = await Wal.open(
      { dir: join(options.dir, WAL_DIR), logger, segmentMaxBytes: options.walSegmentMaxBytes },
      replayIntoHead(head),
    );
    if (!opened.ok) {
      await blockSet.close();
      await unlock?.();
      return opened;
    }
    wal = opened.value.wal;
    replaySeconds = opened.value.replaySeconds;
    logger.info('WAL replay finished', {
      seconds: Number(replaySeconds.toFixed(3)),
      series: head.numSeries,
      samples: head.samplesAppended,
      blocks: blockSet.blocks.length,
    });
  }
  const db = new HeadTsdb(head, logger, wal, blockSet, options, unlock);
  db.replaySeconds = replaySeconds;
  if (options.registry) {
    registerSelfMetrics(options.registry, {
      head,
      walBytes: () => db.walBytes(),
      replaySeconds: () => db.replaySeconds,
    });
  }
  db.maybePersist();
  return ok(db);
}
