/**
 * Chunk segment files, `chunks/000001`, `000002`, ... (Prometheus'
 * tsdb/chunks/chunks.go and docs/format/chunks.md):
 *
 *   magic 0x85BD40DD <4b> | version 1 <1b> | padding <3b>
 *   then per chunk: len(data) <uvarint> | encoding <1b> | data | CRC-32C(encoding, data) <4b>
 *
 * The index refers to a chunk by (segment sequence << 32) | byte offset, the
 * first file being sequence 0.
 */
import { readSync } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError, Decbuf } from './decbuf.js';
import { Encbuf } from './encbuf.js';

export const CHUNKS_MAGIC = 0x85bd40dd;
export const CHUNKS_FORMAT_V1 = 1;
export const SEGMENT_HEADER_BYTES = 8;
/** Prometheus cuts a new segment file before one would pass 512 MiB. */
export const DEFAULT_SEGMENT_MAX_BYTES = 512 * 1024 * 1024;
const TWO_32 = 4294967296;
const FLUSH_BYTES = 1 << 20;

export const segmentName = (seq: number): string => String(seq + 1).padStart(6, '0');

export function chunkRef(seq: number, offset: number): number {
  return seq * TWO_32 + offset;
}

export function splitChunkRef(ref: number): { seq: number; offset: number } {
  return { seq: Math.floor(ref / TWO_32), offset: ref % TWO_32 };
}

/** Appends chunks to segment files in a block's `chunks/` directory, buffering 1 MiB at a time. */
export class ChunkWriter {
  private file: FileHandle | undefined;
  private seq = -1;
  /** Bytes of the current segment, flushed or buffered. */
  private size = 0;
  private readonly buf = new Encbuf(FLUSH_BYTES + 1024);

  constructor(
    private readonly dir: string,
    private readonly segmentMaxBytes = DEFAULT_SEGMENT_MAX_BYTES,
  ) {}

  /** Writes one chunk and returns its reference. */
  async write(encoding: number, data: Uint8Array): Promise<number> {
    const entryBytes = 10 + 1 + data.length + 4;
    if (
      this.file === undefined ||
      (this.size + entryBytes > this.segmentMaxBytes && this.size > SEGMENT_HEADER_BYTES)
    ) {
      await this.cut();
    }
    const ref = chunkRef(this.seq, this.size);
    const start = this.buf.len;
    this.buf.putUvarint(data.length);
    const crcFrom = this.buf.len;
    this.buf.putByte(encoding);
    this.buf.putBytes(data);
    this.buf.putCrcOf(crcFrom);
    this.size += this.buf.len - start;
    if (this.buf.len >= FLUSH_BYTES) await this.flush();
    return ref;
  }

  private async cut(): Promise<void> {
    await this.finishSegment();
    this.seq++;
    this.file = await open(join(this.dir, segmentName(this.seq)), 'wx');
    this.buf.putBE32(CHUNKS_MAGIC);
    this.buf.putByte(CHUNKS_FORMAT_V1);
    this.buf.putBytes(new Uint8Array(3));
    this.size = SEGMENT_HEADER_BYTES;
  }

  private async flush(): Promise<void> {
    if (this.file && this.buf.len > 0) await this.file.write(this.buf.get());
    this.buf.reset();
  }

  private async finishSegment(): Promise<void> {
    if (!this.file) return;
    await this.flush();
    await this.file.sync();
    await this.file.close();
    this.file = undefined;
  }

  /** Flushes, fsyncs and closes the last segment. */
  async close(): Promise<void> {
    await this.finishSegment();
  }

  /** Closes without caring about errors; for cleanup after a failed write. */
  async abort(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    await f?.close().catch(() => undefined);
  }
}

export interface RawChunk {
  readonly encoding: number;
  readonly data: Uint8Array;
}

/** Most chunks hold 120 samples in well under 256 bytes, so one read usually gets all of it. */
const FIRST_READ_BYTES = 512;

/**
 * Reads chunks from a block's segment files on demand, with positional
 * synchronous reads: the Querier seam is synchronous, and keeping whole
 * segments in memory would cost as much RAM as the data on disk.
 */
export class ChunkReader {
  private readonly scratch = new Uint8Array(FIRST_READ_BYTES);
  private closed = false;

  private constructor(
    private readonly files: readonly FileHandle[],
    private readonly names: readonly string[],
    private readonly sizes: readonly number[],
  ) {}

  /** Opens every segment and checks its header. Corruption comes back as a thrown CorruptionError. */
  static async open(dir: string): Promise<ChunkReader> {
    const names = (await readdir(dir)).filter((n) => /^\d{6}$/.test(n)).sort();
    const files: FileHandle[] = [];
    const sizes: number[] = [];
    try {
      for (let i = 0; i < names.length; i++) {
        const file = join(dir, names[i]!);
        if (names[i] !== segmentName(i)) {
          throw new CorruptionError(
            file,
            0,
            `expected segment ${segmentName(i)}; segment files must be numbered from 000001 without gaps`,
          );
        }
        const fh = await open(file, 'r');
        files.push(fh);
        const size = (await fh.stat()).size;
        sizes.push(size);
        const header = new Uint8Array(SEGMENT_HEADER_BYTES);
        const { bytesRead } = await fh.read(header, 0, SEGMENT_HEADER_BYTES, 0);
        const d = new Decbuf(header.subarray(0, bytesRead), file);
        if (bytesRead < SEGMENT_HEADER_BYTES) d.fail(`segment is ${size} bytes, shorter than its 8-byte header`, 0);
        const magic = d.be32();
        if (magic !== CHUNKS_MAGIC) d.fail(`bad magic 0x${magic.toString(16)}, expected 0x85bd40dd`, 0);
        const version = d.byte();
        if (version !== CHUNKS_FORMAT_V1) d.fail(`unsupported chunks format version ${version}`, 4);
      }
    } catch (e) {
      await Promise.all(files.map((f) => f.close().catch(() => undefined)));
      throw e;
    }
    return new ChunkReader(
      files,
      names.map((n) => join(dir, n)),
      sizes,
    );
  }

  private where(ref: number): { seq: number; offset: number; file: string } {
    const { seq, offset } = splitChunkRef(ref);
    const file = this.names[seq];
    if (file === undefined)
      throw new CorruptionError(
        this.names[0] ?? 'chunks/',
        offset,
        `chunk ref ${ref} names segment ${seq + 1}, which does not exist`,
      );
    if (offset < SEGMENT_HEADER_BYTES || offset >= this.sizes[seq]!) {
      throw new CorruptionError(file, offset, `chunk ref ${ref} points outside the segment (${this.sizes[seq]} bytes)`);
    }
    return { seq, offset, file };
  }

  /** Reads and checksums the chunk at `ref`; throws CorruptionError, or an Error once closed. */
  chunk(ref: number): RawChunk {
    // A closed descriptor number can be reused for another file; never read through it.
    if (this.closed)
      throw new Error(`chunk ${ref} requested from ${this.names[0] ?? 'a block'} after the block was closed`);
    const { seq, offset, file } = this.where(ref);
    const fd = this.files[seq]!.fd;
    let buf = this.scratch;
    let n = readSync(fd, buf, 0, buf.length, offset);
    let d = new Decbuf(buf.subarray(0, n), file);
    const len = d.uvarint();
    const total = d.pos + 1 + len + 4;
    if (total > n) {
      if (offset + total > this.sizes[seq]!) d.fail(`chunk of ${len} bytes runs past the end of the segment`, offset);
      buf = new Uint8Array(total);
      n = readSync(fd, buf, 0, total, offset);
      d = new Decbuf(buf.subarray(0, n), file);
      d.uvarint();
    }
    const crcFrom = d.pos;
    const encoding = d.byte();
    const data = d.bytesN(len);
    try {
      d.checkCrc(crcFrom, d.pos, `chunk ${ref}`);
    } catch (e) {
      // Offsets inside the scratch buffer mean nothing to a reader of the error.
      throw new CorruptionError(file, offset, (e as CorruptionError).message.replace(/^.*?: byte \d+: /, ''));
    }
    // The scratch buffer is reused by the next read.
    return { encoding, data: buf === this.scratch ? data.slice() : data };
  }

  /**
   * Checks every chunk's CRC by reading each segment front to back (one large
   * read per segment instead of one per chunk), then that every reference the
   * index holds points at the start of a chunk. Throws CorruptionError.
   */
  async verify(refs: Iterable<number>): Promise<void> {
    const starts: Set<number>[] = [];
    for (let seq = 0; seq < this.files.length; seq++) {
      const file = this.names[seq]!;
      const size = this.sizes[seq]!;
      const bytes = new Uint8Array(size);
      const { bytesRead } = await this.files[seq]!.read(bytes, 0, size, 0);
      const d = new Decbuf(bytes.subarray(0, bytesRead), file, SEGMENT_HEADER_BYTES);
      const set = new Set<number>();
      while (d.remaining > 0) {
        // A preallocated but unused tail is zeros; a chunk never starts with a zero length.
        if (bytes[d.pos] === 0 && bytes.subarray(d.pos, bytesRead).every((b) => b === 0)) break;
        const start = d.pos;
        const len = d.uvarint();
        const crcFrom = d.pos;
        d.skip(1 + len);
        try {
          d.checkCrc(crcFrom, d.pos, `chunk ${chunkRef(seq, start)}`);
        } catch (e) {
          // Name the chunk's own start, where its reference points.
          throw new CorruptionError(file, start, (e as CorruptionError).message.replace(/^.*?: byte \d+: /, ''));
        }
        d.skip(4);
        set.add(start);
      }
      starts.push(set);
    }
    for (const ref of refs) {
      const { seq, offset } = splitChunkRef(ref);
      if (!starts[seq]?.has(offset)) {
        throw new CorruptionError(
          this.names[seq] ?? this.names[0] ?? 'chunks/',
          offset,
          `the index refers to chunk ${ref}, but no chunk starts there`,
        );
      }
    }
  }

  get totalBytes(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.files.map((f) => f.close().catch(() => undefined)));
  }
}
