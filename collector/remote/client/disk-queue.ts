/**
 * The durable queue between commit() and the senders: numbered segment files
 * of framed records (segment-frame.ts) in one directory, plus `acked`, the
 * position up to which everything has been acknowledged.
 *
 * - append() writes the records of everyone who committed meanwhile with one
 *   write and one fdatasync (group commit) and resolves only after that.
 * - read() hands out records in order; ack() marks them done in any order and
 *   a segment is deleted once every record in it is done.
 * - Past `maxBytes` the oldest segments are dropped; unread samples in them
 *   are reported through `onDrop` so the loss is counted, never silent.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';
import { lockQueueDir } from './queue-lock.js';
import { CheckpointWriter, readCheckpoint, type AckCheckpoint } from './ack-checkpoint.js';
import { decodeColumns, recordSampleCount, type RecordColumns } from './record-codec.js';
import { frame, scanFrame } from './segment-frame.js';
import { openSegments, segmentPath, type Segment } from './segment-scan.js';
import { syncDir } from '../../sync-dir.js';

export interface DiskQueueOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentMaxBytes: number;
  /** How many shards the caller splits records into; per-shard progress survives a restart only if it is unchanged. */
  readonly partitions: number;
  readonly logger: Logger;
  /** Unread samples lost to the size cap or to a corrupt record. */
  readonly onDrop: (samples: number, reason: 'queue_full' | 'corrupt') => void;
  /**
   * Bytes of just-written records kept in memory in the form read() returns,
   * so that while the reader keeps up nothing is read back and decoded from
   * disk. The file stays the durable copy; a record evicted from this window
   * (the reader fell behind) or left by an earlier run is read from disk.
   * Default 4 MiB of record bytes (or the newest record, if larger); 0 turns it off.
   */
  readonly recentBytes?: number;
}

/**
 * A record handed to the senders; `remaining` counts its samples not yet
 * acknowledged, `progress` (kept by the caller) how many per shard were.
 */
export interface RecordRef {
  readonly segment: number;
  readonly end: number;
  remaining: number;
  readonly progress: Map<number, number>;
}

export interface QueueStats {
  readonly bytes: number;
  readonly segments: number;
  /** Committed samples not yet acknowledged (on disk or in flight). */
  readonly pendingSamples: number;
}

export class QueueError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueError';
  }
}

interface PendingWrite {
  readonly bytes: Uint8Array;
  readonly samples: number;
  readonly columns: RecordColumns | undefined;
  readonly done: (r: Result<void, QueueError>) => void;
}

const READ_CHUNK_BYTES = 1024 * 1024;
/** Memory holds at most this much or the newest record, whichever is more; the columns take about as much again. */
const RECENT_BYTES = 4 * 1024 * 1024;

/** A written record still in memory, by where its frame starts. */
interface RecentRecord {
  readonly end: number;
  readonly bytes: number;
  readonly columns: RecordColumns;
}

export class DiskQueue {
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private readonly inFlight: RecordRef[] = [];
  private readPos: { segment: number; offset: number };
  /** Samples the reader has handed out from its current segment. */
  private readSamplesInSegment = 0;
  private readFile: { segment: number; fh: FileHandle } | undefined;
  private readBuf: { segment: number; base: number; buf: Uint8Array } | undefined;
  private pendingSamples: number;
  private wakeReaders: (() => void)[] = [];
  private readonly checkpoint: CheckpointWriter;
  private ackedPos: { segment: number; offset: number };
  private deletable: string[] = [];
  private readonly resume: Map<string, ReadonlyMap<number, number>>;
  private closed = false;
  private version = 0;
  /** Keyed `segment:offset`; a Map iterates in insertion order, so the first entry is the oldest. */
  private readonly recent = new Map<string, RecentRecord>();
  private recentBytes = 0;

  private constructor(
    private readonly o: DiskQueueOptions,
    private readonly segments: Segment[],
    private writer: { segment: Segment; fh: FileHandle },
    start: { segment: number; offset: number },
    acked: AckCheckpoint,
    private readonly unlock: () => Promise<void>,
  ) {
    this.readPos = { ...start };
    this.ackedPos = { ...start };
    this.pendingSamples = segments.reduce((n, s) => n + s.samples, 0);
    const usable = acked.partitions === o.partitions;
    this.resume = new Map(usable ? acked.partial.map((p) => [`${p.segment}:${p.end}`, new Map(p.progress)]) : []);
    this.checkpoint = new CheckpointWriter(o.dir, o.logger, () => ({
      checkpoint: {
        ...this.ackedPos,
        partitions: o.partitions,
        partial: this.inFlight
          .filter((r) => r.progress.size > 0)
          .map((r) => ({ segment: r.segment, end: r.end, progress: [...r.progress] })),
      },
      deletable: this.deletable.splice(0),
    }));
  }

  static async open(o: DiskQueueOptions): Promise<Result<DiskQueue, QueueError>> {
    let unlock: (() => Promise<void>) | undefined;
    try {
      await mkdir(o.dir, { recursive: true });
      const locked = await lockQueueDir(o.dir, o.logger);
      if (!locked.ok) return err(new QueueError(`cannot open remote-write queue: ${locked.error.message}`));
      unlock = locked.value;
      const acked = await readCheckpoint(o.dir, o.logger);
      const segments = await openSegments(o.dir, acked, o.logger);
      // Writing always starts a fresh segment: the old last one may have been truncated, and sealed ones are simpler.
      const index = (segments.at(-1)?.index ?? acked.segment) + 1;
      const seg: Segment = { index, bytes: 0, samples: 0, sealed: false };
      const fh = await open(segmentPath(o.dir, index), 'a');
      await syncDir(o.dir);
      for (const s of segments) s.sealed = true;
      segments.push(seg);
      const first = segments[0] as Segment;
      const start = acked.segment === first.index ? acked : { segment: first.index, offset: 0 };
      return ok(new DiskQueue(o, segments, { segment: seg, fh }, start, acked, unlock));
    } catch (e) {
      await unlock?.();
      return err(new QueueError(`cannot open remote-write queue ${o.dir}: ${(e as Error).message}`, { cause: e }));
    }
  }

  /**
   * Resolves once the record is on disk (fdatasync'd). `columns`, the same
   * record as decodeColumns(payload) would return it, lets read() skip the disk.
   */
  append(payload: Uint8Array, columns?: RecordColumns): Promise<Result<void, QueueError>> {
    if (this.closed) return Promise.resolve(err(new QueueError(`remote-write queue ${this.o.dir} is closed`)));
    return new Promise((done) => {
      this.pending.push({ bytes: frame(payload), samples: recordSampleCount(payload), columns, done });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const r = await this.writeGroup(group);
      for (const w of group) w.done(r);
    }
    this.flushing = undefined;
  }

  private async writeGroup(group: readonly PendingWrite[]): Promise<Result<void, QueueError>> {
    const size = group.reduce((n, w) => n + w.bytes.length, 0);
    const samples = group.reduce((n, w) => n + w.samples, 0);
    let seg = this.writer.segment;
    try {
      if (seg.bytes > 0 && seg.bytes + size > this.o.segmentMaxBytes) seg = await this.rotate();
      const buf = group.length === 1 ? (group[0] as PendingWrite).bytes : Buffer.concat(group.map((w) => w.bytes));
      for (let done = 0; done < size;) {
        const { bytesWritten } = await this.writer.fh.write(buf, done, size - done, seg.bytes + done);
        done += bytesWritten;
      }
      await this.writer.fh.datasync();
    } catch (e) {
      // Cut off whatever part made it, so the segment holds whole records only.
      await this.writer.fh.truncate(seg.bytes).catch(() => undefined);
      return err(
        new QueueError(`writing ${segmentPath(this.o.dir, seg.index)} failed: ${(e as Error).message}`, { cause: e }),
      );
    }
    this.remember(seg.index, seg.bytes, group);
    seg.bytes += size;
    seg.samples += samples;
    this.pendingSamples += samples;
    await this.enforceCap();
    this.version++;
    this.wake();
    return ok(undefined);
  }

  private remember(segment: number, offset: number, group: readonly PendingWrite[]): void {
    const limit = this.o.recentBytes ?? RECENT_BYTES;
    for (const w of group) {
      const end = offset + w.bytes.length;
      if (w.columns && limit > 0) {
        this.recent.set(`${segment}:${offset}`, { end, bytes: w.bytes.length, columns: w.columns });
        this.recentBytes += w.bytes.length;
      }
      offset = end;
    }
    // The newest record stays even past the limit: one collection of a big node can be larger than the window.
    for (const [key, r] of this.recent) {
      if (this.recentBytes <= limit || this.recent.size === 1) break;
      this.recent.delete(key);
      this.recentBytes -= r.bytes;
    }
  }

  private async rotate(): Promise<Segment> {
    await this.writer.fh.close();
    this.writer.segment.sealed = true;
    const seg: Segment = { index: this.writer.segment.index + 1, bytes: 0, samples: 0, sealed: false };
    this.writer = { segment: seg, fh: await open(segmentPath(this.o.dir, seg.index), 'a') };
    await syncDir(this.o.dir);
    this.segments.push(seg);
    return seg;
  }

  private async enforceCap(): Promise<void> {
    while (this.bytes() > this.o.maxBytes && this.segments.length > 1) {
      const oldest = this.segments.shift() as Segment;
      let lost = 0;
      if (this.readPos.segment === oldest.index) {
        lost = oldest.samples - this.readSamplesInSegment;
        this.moveReaderTo(this.segments[0] as Segment);
      } else if (this.readPos.segment < oldest.index) lost = oldest.samples;
      this.pendingSamples -= lost;
      this.o.logger.warn('remote-write queue over its size cap: dropped the oldest segment', {
        segment: segmentPath(this.o.dir, oldest.index),
        droppedSamples: lost,
        maxBytes: this.o.maxBytes,
      });
      if (lost > 0) this.o.onDrop(lost, 'queue_full');
      await rm(segmentPath(this.o.dir, oldest.index), { force: true });
    }
  }

  private moveReaderTo(seg: Segment): void {
    this.readPos = { segment: seg.index, offset: 0 };
    this.readSamplesInSegment = 0;
  }

  /** The next unread record, or undefined when everything committed has been read. */
  async read(): Promise<{ ref: RecordRef; columns: RecordColumns } | undefined> {
    for (;;) {
      const seg = this.segments.find((s) => s.index >= this.readPos.segment);
      if (!seg) return undefined;
      if (seg.index !== this.readPos.segment) this.moveReaderTo(seg);
      if (this.readPos.offset >= seg.bytes) {
        if (!seg.sealed) return undefined;
        const next = this.segments.find((s) => s.index > seg.index);
        if (!next) return undefined;
        this.moveReaderTo(next);
        continue;
      }
      const key = `${seg.index}:${this.readPos.offset}`;
      const kept = this.recent.get(key);
      if (kept) {
        this.recent.delete(key);
        this.recentBytes -= kept.bytes;
        return this.handOut(seg, kept.end, kept.columns);
      }
      let scanned: Awaited<ReturnType<DiskQueue['frameAt']>>;
      try {
        scanned = await this.frameAt(seg);
      } catch (e) {
        if (this.readPos.segment !== seg.index) continue; // dropped by the size cap meanwhile
        scanned = { kind: 'corrupt', reason: (e as Error).message };
      }
      // The size cap may have dropped this segment while we read it; its unread samples are already counted.
      if (this.readPos.segment !== seg.index) continue;
      if (scanned.kind !== 'frame') {
        // Only whole, fsync'd records lie below seg.bytes, so this is damage on disk.
        const lost = seg.samples - this.readSamplesInSegment;
        this.o.logger.error('remote-write queue record unreadable; skipping the rest of the segment', {
          file: segmentPath(this.o.dir, seg.index),
          offset: this.readPos.offset,
          reason: scanned.kind === 'corrupt' ? scanned.reason : 'cut short',
          droppedSamples: lost,
        });
        this.pendingSamples -= lost;
        if (lost > 0) this.o.onDrop(lost, 'corrupt');
        this.readPos.offset = seg.bytes;
        this.readSamplesInSegment = seg.samples;
        continue;
      }
      return this.handOut(seg, scanned.end, decodeColumns(scanned.payload));
    }
  }

  private handOut(seg: Segment, end: number, columns: RecordColumns): { ref: RecordRef; columns: RecordColumns } {
    const ref: RecordRef = { segment: seg.index, end, remaining: columns.count, progress: new Map() };
    this.readPos.offset = end;
    this.readSamplesInSegment += columns.count;
    this.inFlight.push(ref);
    return { ref, columns };
  }

  private async frameAt(
    seg: Segment,
  ): Promise<
    { kind: 'frame'; payload: Uint8Array; end: number } | { kind: 'corrupt'; reason: string } | { kind: 'short' }
  > {
    const offset = this.readPos.offset;
    // At most: one fill to reach `offset`, then one grown to the whole frame (a record can exceed READ_CHUNK_BYTES).
    let grown = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const b = this.readBuf;
      if (b && b.segment === seg.index && offset >= b.base && offset < b.base + b.buf.length) {
        const s = scanFrame(b.buf, offset - b.base);
        if (s.kind === 'frame') return { kind: 'frame', payload: s.frame.payload, end: b.base + s.frame.end };
        if (s.kind === 'corrupt') return s;
        if (grown) return { kind: 'short' };
        grown = true;
        await this.fill(seg, offset, s.needBytes);
        continue;
      }
      await this.fill(seg, offset, 0);
    }
    return { kind: 'short' };
  }

  private async fill(seg: Segment, offset: number, atLeast: number): Promise<void> {
    if (this.readFile?.segment !== seg.index) {
      await this.readFile?.fh.close();
      this.readFile = { segment: seg.index, fh: await open(segmentPath(this.o.dir, seg.index), 'r') };
    }
    const len = Math.min(seg.bytes - offset, Math.max(atLeast, READ_CHUNK_BYTES));
    const buf = new Uint8Array(len);
    const { bytesRead } = await this.readFile.fh.read(buf, 0, len, offset);
    this.readBuf = { segment: seg.index, base: offset, buf: buf.subarray(0, bytesRead) };
  }

  /** Counts completed writes; pass the value seen before read() to whenReadable(). */
  get writeVersion(): number {
    return this.version;
  }

  /** Resolves once a write completed after `version` was taken (at once if one already has), or on wake(). */
  whenReadable(version: number): Promise<void> {
    if (this.version !== version || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.wakeReaders.push(resolve));
  }

  wake(): void {
    for (const wake of this.wakeReaders.splice(0)) wake();
  }

  /**
   * Per-shard progress an earlier run recorded for this record (samples of
   * each shard already acknowledged), or undefined.
   */
  resumeProgress(ref: RecordRef): ReadonlyMap<number, number> | undefined {
    return this.resume.get(`${ref.segment}:${ref.end}`);
  }

  /** `n` samples of `ref` were acknowledged (sent, or given up on); update `ref.progress` first. */
  ack(ref: RecordRef, n: number): void {
    ref.remaining -= n;
    this.pendingSamples -= n;
    let acked: RecordRef | undefined;
    while (this.inFlight.length > 0 && (this.inFlight[0] as RecordRef).remaining <= 0) acked = this.inFlight.shift();
    if (acked) {
      this.ackedPos = { segment: acked.segment, offset: acked.end };
      const done = this.segments.filter(
        (s) => s.sealed && (s.index < acked.segment || (s.index === acked.segment && acked.end >= s.bytes)),
      );
      for (const s of done) {
        this.segments.splice(this.segments.indexOf(s), 1);
        this.deletable.push(segmentPath(this.o.dir, s.index));
      }
    }
    this.checkpoint.schedule();
  }

  bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  stats(): QueueStats {
    return { bytes: this.bytes(), segments: this.segments.length, pendingSamples: this.pendingSamples };
  }

  /** Waits for writes under way, then closes the files; later appends fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.checkpoint.flush();
    await this.writer.fh.close();
    await this.readFile?.fh.close();
    this.readFile = undefined;
    this.wake();
    await this.unlock();
  }
}

