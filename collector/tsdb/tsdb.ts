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
import type { MemSeries } from './head/mem-series.js';
import { Wal, type ReplayHandler } from './wal/wal.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBlock, openBlocks, removeLeftovers, writeBlock, type Block } from './block/index.js';
import { applyRetention, cleanTombstones as cleanBlockTombstones, compactPlanned } from './block/maintenance.js';
import { exponentialRanges } from './block/plan.js';
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

/** How long a retired block stays open for queries that started before it was replaced. */
const RETIRED_BLOCK_GRACE_MS = 5 * 60_000;

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
   * Deletes the samples of matching series in [minT, maxT] (tombstones, applied
   * on read). Resolves to the number of series affected.
   */
  deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>>;
}

/** The implementation; its extra methods (head, truncateHead) are for the block compactor, not for index.ts. */
export class HeadTsdb implements Tsdb {
  private closed = false;
  replaySeconds = 0;
  /** Persisted blocks, oldest first. */
  blocks: Block[] = [];
  private maintenance: Promise<void> = Promise.resolve();
  /** Blocks replaced or expired, closed after a grace period (see closeLater). */
  private readonly retiring = new Map<Block, NodeJS.Timeout>();
  private maintaining = false;

  constructor(
    readonly head: Head,
    private readonly logger: Logger,
    private readonly wal: Wal | undefined,
    private readonly options: TsdbOptions = {},
    private readonly unlock?: () => Promise<void>,
  ) {}

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
    const blocks = this.blocks.filter((b) => b.meta.minTime <= maxT && b.meta.maxTime > minT);
    if (blocks.length === 0) return head;
    return new MergeQuerier([...blocks.map((b) => b.querier(minT, maxT)), head]);
  }

  /**
   * Starts persisting the head's oldest chunk range when the head spans more
   * than 1.5 ranges (as Prometheus does); runs in the background, one at a time.
   */
  maybePersist(): void {
    const { head } = this;
    if (this.options.dir === undefined || this.closed || this.maintaining) return;
    if (!(head.maxT - head.minT > 1.5 * head.chunkRangeMs)) return;
    this.maintaining = true;
    void this.serially(() => this.persistAndCompact())
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

  private async persistAndCompact(): Promise<void> {
    const { head } = this;
    const dir = this.options.dir!;
    const r = head.chunkRangeMs;
    // Appends (in order or within the out-of-order window) may still land this close to the newest sample.
    const openMs = Math.max(r / 2, head.oooWindowMs);
    for (;;) {
      if (this.closed || !(head.maxT - head.minT > 1.5 * r)) break;
      const start = Math.floor(head.minT / r) * r;
      const end = start + r;
      if (end > head.maxT - openMs) break;
      // From here on nothing below `end` is accepted, so the snapshot stays complete.
      if (end > head.minValidTime) head.minValidTime = end;
      const series = seriesForBlock(head, start, end);
      const written = await writeBlock(dir, series, { minTime: start, maxTime: end, clock: this.options.clock });
      if (!written.ok) {
        this.logger.error('persisting the head failed; will retry', {
          minTime: start,
          maxTime: end,
          error: written.error,
        });
        return;
      }
      if (written.value) {
        const opened = await openBlock(join(dir, written.value.ulid), { logger: this.logger });
        if (!opened.ok) {
          this.logger.error('cannot open the block just written', { error: opened.error });
          return;
        }
        this.blocks = [...this.blocks, opened.value].sort((a, b) => a.meta.minTime - b.meta.minTime);
        this.logger.info('head persisted', {
          ulid: written.value.ulid,
          minTime: start,
          maxTime: end,
          series: series.length,
        });
      }
      const t = await this.truncateHead(end);
      if (!t.ok) this.logger.error('WAL checkpoint failed', { error: t.error });
    }
    await this.compactBlocks();
  }

  private async compactBlocks(): Promise<void> {
    const dir = this.options.dir!;
    for (let i = 0; i < 10 && !this.closed; i++) {
      // Inputs are closed through a stand-in that waits: a query may still be reading them.
      const standIns = new Map<Block, Block>(this.blocks.map((b) => [this.closingLater(b), b]));
      const r = await compactPlanned(dir, [...standIns.keys()], exponentialRanges(this.head.chunkRangeMs), {
        clock: this.options.clock,
      });
      if (!r.ok) {
        this.logger.error('block compaction failed', { error: r.error });
        return;
      }
      if (r.value.removed.length === 0) break;
      const opened: Block[] = [];
      for (const meta of r.value.added) {
        const b = await openBlock(join(dir, meta.ulid), { logger: this.logger });
        if (b.ok) opened.push(b.value);
        else this.logger.error('cannot open compacted block', { error: b.error });
      }
      const removed = new Set(r.value.removed.map((b) => standIns.get(b) ?? b));
      this.blocks = [...this.blocks.filter((b) => !removed.has(b)), ...opened].sort(
        (a, b) => a.meta.minTime - b.meta.minTime,
      );
      this.logger.info('blocks compacted', {
        from: r.value.removed.map((b) => b.meta.ulid),
        into: r.value.added.map((m) => m.ulid),
      });
    }
    const { retentionMs, retentionBytes } = this.options;
    if (retentionMs === undefined && retentionBytes === undefined) return;
    const doomed = new Set<string>();
    const r = await applyRetention(
      dir,
      { retentionMs, maxBytes: retentionBytes, nowMs: this.head.maxT, extraBytes: this.walBytes() },
      (ulid) => {
        doomed.add(ulid);
        const b = this.blocks.find((x) => x.meta.ulid === ulid);
        if (b) this.closeLater(b);
        return Promise.resolve();
      },
    );
    if (!r.ok) this.logger.error('retention failed', { error: r.error });
    this.blocks = this.blocks.filter((b) => !doomed.has(b.meta.ulid));
  }

  /**
   * Closes a retired block after a grace period. Queriers have no close(), so
   * one made before the block was retired may still be reading it; its files
   * may be deleted meanwhile, which open descriptors survive on POSIX systems.
   */
  private closeLater(b: Block): void {
    const timer = setTimeout(() => {
      this.retiring.delete(b);
      void b.close();
    }, RETIRED_BLOCK_GRACE_MS);
    timer.unref();
    this.retiring.set(b, timer);
  }

  /** The block, except that close() defers to closeLater. */
  private closingLater(b: Block): Block {
    return new Proxy(b, {
      get: (target, prop) => {
        if (prop === 'close') {
          return () => {
            this.closeLater(target);
            return Promise.resolve();
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  stats(limit = 10): TsdbStats {
    return headStats(this.head, this.walBytes(), limit);
  }

  walReplayStatus(): { min: number; max: number; current: number } {
    return this.wal?.replayStatus ?? { min: 0, max: 0, current: 0 };
  }

  cleanTombstones(): Promise<Result<number, StoreError>> {
    const dir = this.options.dir;
    if (dir === undefined) return Promise.resolve(ok(0)); // head tombstones are applied on read
    return this.serially(async (): Promise<Result<number, StoreError>> => {
      const standIns = new Map<Block, Block>(this.blocks.map((b) => [this.closingLater(b), b]));
      const r = await cleanBlockTombstones(dir, [...standIns.keys()], { clock: this.options.clock });
      if (!r.ok) return r;
      const removed = new Set(r.value.removed.map((b) => standIns.get(b) ?? b));
      const opened: Block[] = [];
      for (const meta of r.value.added) {
        const b = await openBlock(join(dir, meta.ulid), { logger: this.logger });
        if (!b.ok) return b;
        opened.push(b.value);
      }
      this.blocks = [...this.blocks.filter((b) => !removed.has(b)), ...opened].sort(
        (a, b) => a.meta.minTime - b.meta.minTime,
      );
      return ok(removed.size);
    });
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
    let inBlocks = 0;
    for (const b of this.blocks) {
      const r = await b.delete(matchers, minT, maxT);
      if (!r.ok) return r;
      inBlocks += r.value;
    }
    this.logger.info('deleted series', { headSeries: series.length, blockSeries: inBlocks, minT, maxT });
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
    for (const timer of this.retiring.values()) clearTimeout(timer);
    for (const b of [...this.blocks, ...this.retiring.keys()]) await b.close();
    this.retiring.clear();
    await this.unlock?.();
  }
}

/** Feeds WAL records back into the head at open. */
function replayInto(head: Head): ReplayHandler {
  const byWalRef = new Map<number, MemSeries>();
  return {
    series: (rec) => {
      head.reserveRef(rec.ref);
      byWalRef.set(rec.ref, head.restore(rec.pairs, rec.ref));
    },
    sample: (ref, t, v) => {
      head.reserveRef(ref);
      const s = byWalRef.get(ref);
      if (s) head.apply(s, t, v, true);
    },
    tombstone: (rec) => {
      const s = byWalRef.get(rec.ref);
      if (s) head.addTombstone(s.ref, rec.minT, rec.maxT);
    },
  };
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
  let blocks: Block[] = [];
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
    blocks = [...listing.blocks];
    // Samples already persisted are not taken back from the WAL (a crash between block and checkpoint).
    for (const b of blocks) head.minValidTime = Math.max(head.minValidTime, b.meta.maxTime);
    const opened = await Wal.open(
      { dir: join(options.dir, WAL_DIR), logger, segmentMaxBytes: options.walSegmentMaxBytes },
      replayInto(head),
    );
    if (!opened.ok) {
      for (const b of blocks) await b.close();
      await unlock?.();
      return opened;
    }
    wal = opened.value.wal;
    replaySeconds = opened.value.replaySeconds;
    logger.info('WAL replay finished', {
      seconds: Number(replaySeconds.toFixed(3)),
      series: head.numSeries,
      samples: head.samplesAppended,
      blocks: blocks.length,
    });
  }
  const db = new HeadTsdb(head, logger, wal, options, unlock);
  db.replaySeconds = replaySeconds;
  db.blocks = blocks;
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
