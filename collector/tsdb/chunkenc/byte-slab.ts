/**
 * Buffers for chunks that are still growing (one per active series in the
 * head). A separate ArrayBuffer per chunk costs a JS object and a malloc'd
 * backing store of its own; carving power-of-two slots out of shared 256 KiB
 * pages costs only the Uint8Array view. Freed slots are zeroed (the bit writer
 * ORs bits into zero bytes) and reused.
 *
 * A freed slot is handed to the next chunk that needs one, so a reader must
 * never keep a view of a growing chunk: copy it (XorChunk.bytes().slice()).
 */
export interface ByteAllocator {
  /** A zeroed buffer of at least `bytes` bytes. */
  alloc(bytes: number): Uint8Array;
  /** Returns a buffer from alloc(); the caller must not use it afterwards. */
  free(buf: Uint8Array): void;
}

const PAGE_BYTES = 256 * 1024;
const MIN_SLOT = 32;
/** Larger requests get a buffer of their own (rare: a chunk is cut at 240 samples). */
const MAX_SLOT = 8192;

export class ByteSlab implements ByteAllocator {
  private page = new ArrayBuffer(PAGE_BYTES);
  private used = 0;
  /** Free slots by size class (index = log2(size / MIN_SLOT)). */
  private readonly freeLists: Uint8Array[][] = [];
  private pages = 1;

  alloc(bytes: number): Uint8Array {
    if (bytes > MAX_SLOT) return new Uint8Array(bytes);
    let size = MIN_SLOT;
    let cls = 0;
    while (size < bytes) {
      size *= 2;
      cls++;
    }
    const reused = this.freeLists[cls]?.pop();
    if (reused) return reused;
    if (this.used + size > PAGE_BYTES) {
      this.page = new ArrayBuffer(PAGE_BYTES);
      this.used = 0;
      this.pages++;
    }
    const slot = new Uint8Array(this.page, this.used, size);
    this.used += size;
    return slot;
  }

  free(buf: Uint8Array): void {
    const size = buf.length;
    if (size > MAX_SLOT || buf.byteLength !== size || size < MIN_SLOT || (size & (size - 1)) !== 0) return;
    buf.fill(0);
    const cls = Math.log2(size / MIN_SLOT);
    (this.freeLists[cls] ??= []).push(buf);
  }

  /** Bytes held in pages. */
  get bytesAllocated(): number {
    return this.pages * PAGE_BYTES;
  }
}
