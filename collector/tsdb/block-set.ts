/**
 * The open blocks of a data directory and what happens to them after the head
 * hands them over: compaction, retention, tombstone cleaning, deletion.
 * Callers run these one at a time (HeadTsdb serialises them).
 *
 * A block replaced by compaction or expired by retention is closed only after
 * a grace period: queriers have no close(), so one made earlier may still be
 * reading it. Its files may be deleted meanwhile; open descriptors survive
 * that on POSIX systems.
 */
import { join } from 'node:path';
import { ok, type Result } from '../result.js';
import type { Logger } from '../log/logger.js';
import type { Matcher, Querier, StoreError } from './interface.js';
import { openBlock, type Block } from './block/index.js';
import { applyRetention, cleanTombstones, compactPlanned, type ReplaceResult } from './block/maintenance.js';
import { exponentialRanges } from './block/plan.js';

/** How long a retired block stays open for queries that started before it was replaced. */
const RETIRED_BLOCK_GRACE_MS = 5 * 60_000;

export interface BlockSetOptions {
  readonly dir: string;
  readonly logger: Logger;
  readonly clock?: () => number;
}

const byTime = (a: Block, b: Block): number => a.meta.minTime - b.meta.minTime;

export class BlockSet {
  /** Oldest first. Replaced as a whole on every change, so a reader's copy stays consistent. */
  blocks: readonly Block[];
  private readonly retiring = new Map<Block, NodeJS.Timeout>();

  constructor(
    private readonly options: BlockSetOptions,
    initial: readonly Block[],
  ) {
    this.blocks = [...initial].sort(byTime);
  }

  /** Queriers of the blocks overlapping [minT, maxT]. */
  queriers(minT: number, maxT: number): Querier[] {
    return this.blocks.filter((b) => b.meta.minTime <= maxT && b.meta.maxTime > minT).map((b) => b.querier(minT, maxT));
  }

  /** The newest maxTime of any block; nothing older may enter the head again. */
  get maxTime(): number {
    let t = -Infinity;
    for (const b of this.blocks) if (b.meta.maxTime > t) t = b.meta.maxTime;
    return t;
  }

  /** Opens a block just written into the directory and adds it. */
  async add(ulid: string): Promise<Result<Block, StoreError>> {
    const opened = await openBlock(join(this.options.dir, ulid), { logger: this.options.logger });
    if (opened.ok) this.blocks = [...this.blocks, opened.value].sort(byTime);
    return opened;
  }

  /** Runs planned compactions until none is due (at most 10 rounds per call). */
  async compact(chunkRangeMs: number): Promise<Result<void, StoreError>> {
    for (let i = 0; i < 10; i++) {
      const r = await this.replacing((stand) =>
        compactPlanned(this.options.dir, stand, exponentialRanges(chunkRangeMs), { clock: this.options.clock }),
      );
      if (!r.ok) return r;
      if (r.value.removed.length === 0) break;
      this.options.logger.info('blocks compacted', {
        from: r.value.removed.map((b) => b.meta.ulid),
        into: r.value.added.map((m) => m.ulid),
      });
    }
    return ok(undefined);
  }

  /** Rewrites blocks with tombstones without the deleted data; resolves to the number rewritten. */
  async cleanTombstones(): Promise<Result<number, StoreError>> {
    const r = await this.replacing((stand) => cleanTombstones(this.options.dir, stand, { clock: this.options.clock }));
    return r.ok ? ok(r.value.removed.length) : r;
  }

  /** Deletes blocks beyond the time or size budget. */
  async applyRetention(options: {
    retentionMs?: number;
    maxBytes?: number;
    nowMs: number;
    extraBytes: number;
  }): Promise<Result<void, StoreError>> {
    const doomed = new Set<string>();
    const r = await applyRetention(this.options.dir, options, (ulid) => {
      doomed.add(ulid);
      const b = this.blocks.find((x) => x.meta.ulid === ulid);
      if (b) this.closeLater(b);
      return Promise.resolve();
    });
    this.blocks = this.blocks.filter((b) => !doomed.has(b.meta.ulid));
    return r.ok ? ok(undefined) : r;
  }

  /** Tombstones in every block; resolves to the number of block series hit. */
  async delete(matchers: readonly Matcher[], minT: number, maxT: number): Promise<Result<number, StoreError>> {
    let n = 0;
    for (const b of this.blocks) {
      const r = await b.delete(matchers, minT, maxT);
      if (!r.ok) return r;
      n += r.value;
    }
    return ok(n);
  }

  async close(): Promise<void> {
    for (const timer of this.retiring.values()) clearTimeout(timer);
    for (const b of [...this.blocks, ...this.retiring.keys()]) await b.close();
    this.retiring.clear();
    this.blocks = [];
  }

  /**
   * Runs a maintenance step over stand-ins of the blocks whose close() waits
   * out the grace period, then swaps the removed blocks for the added ones.
   */
  private async replacing(
    step: (standIns: Block[]) => Promise<Result<ReplaceResult, StoreError>>,
  ): Promise<Result<ReplaceResult, StoreError>> {
    const standIns = new Map<Block, Block>(this.blocks.map((b) => [this.closingLater(b), b]));
    const r = await step([...standIns.keys()]);
    if (!r.ok) return r;
    const removed = new Set(r.value.removed.map((b) => standIns.get(b) ?? b));
    const opened: Block[] = [];
    for (const meta of r.value.added) {
      const b = await openBlock(join(this.options.dir, meta.ulid), { logger: this.options.logger });
      if (b.ok) opened.push(b.value);
      else this.options.logger.error('cannot open the block a compaction wrote', { error: b.error });
    }
    this.blocks = [...this.blocks.filter((b) => !removed.has(b)), ...opened].sort(byTime);
    return r;
  }

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
}
