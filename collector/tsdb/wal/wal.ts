/**
 * The write-ahead log: every batch an appender commits is framed, written and
 * fdatasync'ed before commit() resolves, so an acknowledged sample survives a
 * crash. Commits that arrive while a sync is running are written together by
 * the next one (group commit): one fdatasync serves them all.
 *
 * Layout under <dir>: segment files 00000001, 00000002, ... (a new one at every
 * open and whenever one would pass segmentMaxBytes) and at most one
 * checkpoint.NNNNNNNN holding what is still needed from segments <= N.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { err, ok, type Result } from '../../result.js';
import type { Logger } from '../../log/logger.js';
import { StoreError } from '../interface.js';
import { frame, readFrames } from './frame.js';
import { keptRecords } from './checkpoint.js';
import {
  RECORD_CODE,
  dispatch,
  encodeSamples,
  encodeSeries,
  encodeTombstones,
  type ReplayHandler,
  type SeriesRecord,
  type TombstoneRecord,
} from './records.js';
import { syncDir } from '../../sync-dir.js';

export type { ReplayHandler } from './records.js';

export const DEFAULT_SEGMENT_MAX_BYTES = 128 * 1024 * 1024;

export interface WalOptions {
  /** The WAL directory itself (e.g. <data dir>/wal). */
  readonly dir: string;
  readonly logger: Logger;
  readonly segmentMaxBytes?: number;
}

export interface WalBatch {
  readonly newSeries: readonly SeriesRecord[];
  readonly refs: readonly number[];
  readonly ts: readonly number[];
  readonly vs: Float64Array;
  readonly length: number;
}

const SEGMENT = /^\d{8}$/;
const CHECKPOINT = /^checkpoint\.(\d{8})$/;
const segName = (n: number) => String(n).padStart(8, '0');

interface Pending {
  readonly buf: Buffer;
  readonly done: (r: Result<void, StoreError>) => void;
}

export class Wal {
  private fh: FileHandle | undefined;
  private segment = 0;
  private segmentBytes = 0;
  private otherBytes = 0;
  private queue: Pending[] = [];
  private flushScheduled = false;
  /** Serialises writes, rotations and checkpoints. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxBytes: number;
  /** Segments replayed at open (first, last, last done), for /api/v1/status/walreplay. */
  replayStatus = { min: 0, max: 0, current: 0 };

  private constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    maxBytes: number,
  ) {
    this.maxBytes = maxBytes;
  }

  /** Opens the WAL in dir, replaying what it holds into handler first. */
  static async open(
    options: WalOptions,
    handler: ReplayHandler,
  ): Promise<Result<{ wal: Wal; replaySeconds: number }, StoreError>> {
    const wal = new Wal(options.dir, options.logger, options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES);
    try {
      const started = performance.now();
      await mkdir(options.dir, { recursive: true });
      const last = await wal.replay(handler);
      await wal.openSegment(last + 1);
      return ok({ wal, replaySeconds: (performance.now() - started) / 1000 });
    } catch (e) {
      return err(new StoreError(`cannot open WAL in ${options.dir}: ${(e as Error).message}`, { cause: e }));
    }
  }

  /** Bytes in segments and the checkpoint. */
  get bytes(): number {
    return this.otherBytes + this.segmentBytes;
  }

  private async listDir(): Promise<{ segments: number[]; checkpoint: number | undefined }> {
    const names = await readdir(this.dir);
    const segments: number[] = [];
    let checkpoint: number | undefined;
    for (const n of names) {
      if (SEGMENT.test(n)) segments.push(Number(n));
      const m = CHECKPOINT.exec(n);
      if (m && (checkpoint === undefined || Number(m[1]) > checkpoint)) checkpoint = Number(m[1]);
      if (n.endsWith('.tmp')) await rm(join(this.dir, n), { force: true }); // an interrupted checkpoint
    }
    return { segments: segments.sort((a, b) => a - b), checkpoint };
  }

  /** Replays checkpoint and segments; returns the highest segment number seen. */
  private async replay(handler: ReplayHandler): Promise<number> {
    const { segments, checkpoint } = await this.listDir();
    let records = 0;
    if (checkpoint !== undefined) {
      const file = join(this.dir, `checkpoint.${segName(checkpoint)}`);
      const buf = await readFile(file);
      const r = readFrames(buf);
      if (r.problem)
        this.logger.error('WAL checkpoint is damaged; using the part before the damage', { file, problem: r.problem });
      for (const f of r.frames) records += dispatch(f.type, f.payload, handler);
      this.otherBytes += buf.length;
    }
    const todo = segments.filter((s) => checkpoint === undefined || s > checkpoint);
    this.replayStatus = { min: todo[0] ?? 0, max: todo[todo.length - 1] ?? 0, current: 0 };
    let last = Math.max(checkpoint ?? 0, ...segments, 0);
    for (let i = 0; i < todo.length; i++) {
      const file = join(this.dir, segName(todo[i]!));
      const buf = await readFile(file);
      const r = readFrames(buf);
      let goodBytes = r.goodBytes;
      let problem = r.problem;
      for (const f of r.frames) {
        try {
          records += dispatch(f.type, f.payload, handler);
        } catch (e) {
          // The CRC matched, so this is a bug or a foreign file; keep what came before it.
          goodBytes = f.offset;
          problem = `undecodable record at byte ${f.offset}: ${(e as Error).message}`;
          break;
        }
      }
      this.otherBytes += goodBytes;
      this.replayStatus.current = todo[i]!;
      this.logger.info('WAL segment replayed', { segment: todo[i], progress: `${i + 1}/${todo.length}`, records });
      if (problem) {
        await this.repair(file, goodBytes, buf.length, problem, todo.slice(i + 1));
        last = Math.max(last, todo[i]!);
        break;
      }
    }
    return last;
  }

  /** Cuts a damaged segment back to its last good record and drops any later segments. */
  private async repair(file: string, goodBytes: number, size: number, problem: string, later: number[]): Promise<void> {
    this.logger.warn('WAL has a torn or corrupt record; truncating to the last good record', {
      file,
      problem,
      keptBytes: goodBytes,
      droppedBytes: size - goodBytes,
      laterSegmentsDropped: later.length,
    });
    const fh = await open(file, 'r+');
    try {
      await fh.truncate(goodBytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    for (const s of later) await rm(join(this.dir, segName(s)), { force: true });
  }

  private async openSegment(n: number): Promise<void> {
    this.fh = await open(join(this.dir, segName(n)), 'a');
    this.segment = n;
    this.segmentBytes = 0;
    await syncDir(this.dir); // the new file's directory entry must survive a crash too
  }

  private async rotate(): Promise<void> {
    if (this.fh) {
      await this.fh.sync();
      await this.fh.close();
    }
    this.otherBytes += this.segmentBytes;
    await this.openSegment(this.segment + 1);
  }

  /** Logs a committed batch; resolves once it is on stable storage. */
  logBatch(batch: WalBatch): Promise<Result<void, StoreError>> {
    const parts: Buffer[] = [];
    if (batch.newSeries.length > 0) parts.push(frame(RECORD_CODE.series, encodeSeries(batch.newSeries)));
    if (batch.length > 0)
      parts.push(frame(RECORD_CODE.samples, encodeSamples(batch.refs, batch.ts, batch.vs, batch.length)));
    return this.enqueue(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  logTombstones(ts: readonly TombstoneRecord[]): Promise<Result<void, StoreError>> {
    return this.enqueue(frame(RECORD_CODE.tombstones, encodeTombstones(ts)));
  }

  private enqueue(buf: Buffer): Promise<Result<void, StoreError>> {
    if (this.closed) return Promise.resolve(err(new StoreError('WAL is closed')));
    return new Promise((done) => {
      this.queue.push({ buf, done });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        void this.exclusive(() => this.flush());
      }
    });
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const bufs = group.map((p) => p.buf);
    const total = bufs.reduce((n, b) => n + b.length, 0);
    let result: Result<void, StoreError> = ok(undefined);
    try {
      if (this.segmentBytes > 0 && this.segmentBytes + total > this.maxBytes) await this.rotate();
      const fh = this.fh!;
      const { bytesWritten } = await fh.writev(bufs);
      if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes (is the disk full?)`);
      await fh.datasync();
      this.segmentBytes += total;
    } catch (e) {
      result = err(
        new StoreError(`WAL write to segment ${segName(this.segment)} failed: ${(e as Error).message}`, { cause: e }),
      );
      await this.recoverFromFailedWrite();
    }
    for (const p of group) p.done(result);
  }

  /** A failed write may have left part of a record; cut it off so later records stay readable. */
  private async recoverFromFailedWrite(): Promise<void> {
    try {
      await this.fh!.truncate(this.segmentBytes);
    } catch {
      try {
        await this.rotate();
      } catch (e) {
        this.logger.error('WAL cannot recover from a failed write', { error: e });
      }
    }
  }

  /**
   * Rewrites everything logged so far into a checkpoint holding only series
   * for which keep(ref) holds, their tombstones, and their samples at or after
   * minT; then deletes the segments it covers. Called after the head has been
   * truncated below minT.
   */
  checkpoint(keep: (ref: number) => boolean, minT: number): Promise<Result<{ segmentsRemoved: number }, StoreError>> {
    let out: Result<{ segmentsRemoved: number }, StoreError> = ok({ segmentsRemoved: 0 });
    return this.exclusive(async () => {
      try {
        out = ok(await this.writeCheckpoint(keep, minT));
      } catch (e) {
        out = err(new StoreError(`WAL checkpoint failed: ${(e as Error).message}`, { cause: e }));
      }
    }).then(() => out);
  }

  private async writeCheckpoint(keep: (ref: number) => boolean, minT: number): Promise<{ segmentsRemoved: number }> {
    await this.rotate();
    const upTo = this.segment - 1;
    const { segments, checkpoint } = await this.listDir();
    const sources = [
      ...(checkpoint !== undefined ? [`checkpoint.${segName(checkpoint)}`] : []),
      ...segments.filter((s) => s <= upTo && (checkpoint === undefined || s > checkpoint)).map(segName),
    ];
    const tmp = join(this.dir, `checkpoint.${segName(upTo)}.tmp`);
    const fh = await open(tmp, 'w');
    let written = 0;
    try {
      for (const name of sources) {
        const kept = await keptRecords(join(this.dir, name), keep, minT);
        if (kept.problem)
          this.logger.warn('WAL file damaged; checkpointing the part before the damage', {
            file: name,
            problem: kept.problem,
          });
        for (const p of kept.frames) {
          await fh.write(p);
          written += p.length;
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, `checkpoint.${segName(upTo)}`));
    await syncDir(this.dir);
    let removed = 0;
    for (const s of segments) {
      if (s > upTo) continue;
      await rm(join(this.dir, segName(s)), { force: true });
      removed++;
    }
    if (checkpoint !== undefined && checkpoint !== upTo)
      await rm(join(this.dir, `checkpoint.${segName(checkpoint)}`), { force: true });
    this.otherBytes = written;
    this.logger.info('WAL checkpoint written', { checkpoint: upTo, bytes: written, segmentsRemoved: removed, minT });
    return { segmentsRemoved: removed };
  }

  /** Waits for pending writes, then closes the segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      if (this.queue.length > 0) await this.flush();
      if (this.fh) {
        await this.fh.sync();
        await this.fh.close();
        this.fh = undefined;
      }
    });
  }
}


/** Size of a file, 0 if missing; for tests and status. */
export async function fileBytes(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
