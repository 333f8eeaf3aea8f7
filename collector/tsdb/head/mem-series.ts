/**
 * One series in the head: its label ids, completed chunks (in the arena), the
 * chunk being appended to, and out-of-order samples. Kept to a handful of
 * fields because a busy hub holds millions of these.
 */
import { XorChunk } from '../chunkenc/xor-chunk.js';
import type { ByteAllocator } from '../chunkenc/byte-slab.js';
import type { ChunkArena } from './chunk-arena.js';
import { computeChunkEndTime, rangeForTimestamp, SAMPLES_PER_CHUNK } from './chunk-range.js';
import type { OooBuffer } from './ooo-buffer.js';
import type { ChunkView } from './series-iterator.js';

/** A chunk as the read path sees it. */
export interface ChunkMeta {
  readonly minT: number;
  readonly maxT: number;
  /** Prometheus XOR chunk bytes (count header included). */
  readonly bytes: Uint8Array;
}

/** Prometheus also starts a chunk's buffer at 128 bytes. */
const FIRST_CHUNK_BYTES = 128;

/** Flat per completed chunk: minT, maxT, arena ref, byte length. */
const STRIDE = 4;

export class MemSeries {
  /** Completed chunks, flat (see STRIDE); undefined until the first one, to save an array per idle series. */
  closed: number[] | undefined;
  head: XorChunk | undefined;
  headMinT = 0;
  /** Cut the head chunk at or after this time. */
  nextAt = 0;
  ooo: OooBuffer | undefined;

  constructor(
    readonly ref: number,
    /** Where the series' [nameId, valueId, ...] (sorted by name) sit in the head's LabelIdArena. */
    public idsOff: number,
    readonly idsLen: number,
  ) {}

  /** Time of the last in-order sample; -Infinity when there is none. */
  get lastT(): number {
    return this.head?.lastT ?? -Infinity;
  }

  get minT(): number {
    const inOrder = this.closed ? this.closed[0]! : this.head ? this.headMinT : Infinity;
    return Math.min(inOrder, this.ooo?.minT ?? Infinity);
  }

  get maxT(): number {
    return Math.max(this.lastT, this.ooo?.maxT ?? -Infinity);
  }

  get chunkCount(): number {
    return (this.closed ? this.closed.length / STRIDE : 0) + (this.head ? 1 : 0);
  }

  /** Appends an in-order sample (t > lastT, checked by the caller); returns true when a chunk was cut. */
  appendInOrder(t: number, v: number, arena: ChunkArena, slab: ByteAllocator, chunkRangeMs: number): boolean {
    let cut = false;
    let sizeHint = FIRST_CHUNK_BYTES;
    let c = this.head;
    if (c) {
      const n = c.numSamples;
      if (n === SAMPLES_PER_CHUNK / 4) this.nextAt = computeChunkEndTime(this.headMinT, c.lastT!, this.nextAt, 4);
      if (t >= this.nextAt || n >= SAMPLES_PER_CHUNK * 2) {
        sizeHint = this.closeHead(arena);
        c = undefined;
      }
    }
    if (!c) {
      // Sized like the chunk before it, so the buffer rarely has to grow (each
      // growth leaves a smaller slot behind in the slab).
      // A series' first chunk gets exactly one 128-byte slab slot: an eighth more
      // would round up to a 256-byte slot for every series, mostly unused.
      c = this.head = new XorChunk(this.closed ? sizeHint + (sizeHint >>> 3) : FIRST_CHUNK_BYTES, slab);
      this.headMinT = t;
      this.nextAt = rangeForTimestamp(t, chunkRangeMs);
      cut = true;
    }
    c.append(t, v);
    return cut;
  }

  /** Moves the head chunk into the arena; returns its size in bytes. */
  private closeHead(arena: ChunkArena): number {
    const c = this.head;
    if (!c) return FIRST_CHUNK_BYTES;
    const bytes = c.bytes();
    (this.closed ??= []).push(this.headMinT, c.lastT!, arena.put(bytes), bytes.length);
    c.release();
    this.head = undefined;
    return bytes.length;
  }

  /** Chunks overlapping [minT, maxT], oldest first. Views stay valid while the chunks live. */
  chunks(minT: number, maxT: number, arena: ChunkArena): ChunkMeta[] {
    const out: ChunkMeta[] = [];
    const cl = this.closed ?? [];
    for (let i = 0; i < cl.length; i += STRIDE) {
      if (cl[i + 1]! < minT || cl[i]! > maxT) continue;
      out.push({ minT: cl[i]!, maxT: cl[i + 1]!, bytes: arena.get(cl[i + 2]!, cl[i + 3]!) });
    }
    const h = this.head;
    if (h && h.numSamples > 0 && h.lastT! >= minT && this.headMinT <= maxT) {
      // A copy: the growing chunk's buffer is reused by another series once it moves on.
      out.push({ minT: this.headMinT, maxT: h.lastT!, bytes: h.bytes().slice() });
    }
    return out;
  }

  /**
   * Completed chunks overlapping [minT, maxT], oldest first, appended to `out`
   * as places in their arena pages: the read path decodes them in place
   * instead of making a view per chunk. Valid while the chunks live.
   */
  closedViews(minT: number, maxT: number, arena: ChunkArena, out: ChunkView[]): void {
    const cl = this.closed;
    if (!cl) return;
    for (let i = 0; i < cl.length; i += STRIDE) {
      if (cl[i + 1]! < minT || cl[i]! > maxT) continue;
      const ref = cl[i + 2]!;
      out.push({
        minT: cl[i]!,
        maxT: cl[i + 1]!,
        bytes: arena.pageOf(ref),
        offset: arena.offsetOf(ref),
        length: cl[i + 3]!,
      });
    }
  }

  /**
   * Drops completed chunks entirely before t, and out-of-order samples before t.
   * The head chunk is dropped only if all of it is before t. Returns the number
   * of chunks removed.
   */
  truncateBefore(t: number, arena: ChunkArena): number {
    let removed = 0;
    let i = 0;
    const cl = this.closed ?? [];
    while (i < cl.length && cl[i + 1]! < t) {
      arena.free(cl[i + 2]!);
      i += STRIDE;
      removed++;
    }
    if (i > 0) this.closed = i < cl.length ? cl.slice(i) : undefined;
    if (this.head && this.head.lastT! < t) {
      this.head.release();
      this.head = undefined;
      removed++;
    }
    if (this.ooo && this.ooo.dropBefore(t) === 0) this.ooo = undefined;
    return removed;
  }

  get isEmpty(): boolean {
    return !this.closed && !this.head && !this.ooo;
  }
}
