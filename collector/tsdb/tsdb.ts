/**
 * The store as the rest of kubepulse sees it: open, append, query, delete,
 * close. With a directory, every committed sample goes to the write-ahead log
 * first and is replayed at the next open.
 */
import type { Registry } from 'prom-client';
import { ok, type Result } from '../result.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Appendable, Appender, Matcher, Queryable, Querier } from './interface.js';
import { StoreError } from './interface.js';
import { Head } from './head/head.js';
import { HeadAppender, type DurableLog } from './head/head-appender.js';
import type { MemSeries } from './head/mem-series.js';
import { Wal, type ReplayHandler } from './wal/wal.js';
import { join } from 'node:path';
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
}

/** The store. Appenders write, queriers read; see interface.ts for their contracts. */
export interface Tsdb extends Appendable, Queryable {
  /** Flushes and closes the WAL. The store must not be used afterwards. */
  close(): Promise<void>;
  stats(): TsdbStats;
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

  constructor(
    readonly head: Head,
    private readonly logger: Logger,
    private readonly wal: Wal | undefined,
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
    return new HeadAppender(this.head, log);
  }

  querier(minT: number, maxT: number): Querier {
    return new HeadQuerier(this.head, minT, maxT);
  }

  stats(): TsdbStats {
    return headStats(this.head, this.walBytes());
  }

  walBytes(): number {
    return this.wal?.bytes ?? 0;
  }

  async deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>> {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) return compiled;
    const series = this.head.seriesRefs((idx) => idx.select(compiled.value));
    if (series.length === 0) return ok(0);
    if (this.wal) {
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
    this.logger.info('deleted series', { series: series.length, minT, maxT });
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
    await this.wal?.close();
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
 * Opens the store. With `dir`, replays the WAL in `<dir>/wal` first; a torn or
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
  if (options.dir !== undefined) {
    const opened = await Wal.open(
      { dir: join(options.dir, 'wal'), logger, segmentMaxBytes: options.walSegmentMaxBytes },
      replayInto(head),
    );
    if (!opened.ok) return opened;
    wal = opened.value.wal;
    replaySeconds = opened.value.replaySeconds;
    logger.info('WAL replay finished', {
      seconds: Number(replaySeconds.toFixed(3)),
      series: head.numSeries,
      samples: head.samplesAppended,
    });
  }
  const db = new HeadTsdb(head, logger, wal);
  db.replaySeconds = replaySeconds;
  if (options.registry) {
    registerSelfMetrics(options.registry, {
      head,
      walBytes: () => db.walBytes(),
      replaySeconds: () => db.replaySeconds,
    });
  }
  return ok(db);
}
