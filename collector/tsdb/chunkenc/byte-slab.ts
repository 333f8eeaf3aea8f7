/**
 * Buffers for chunks that are still growing (one per active series in the
 * head). A Uint8Array per chunk would cost ~100 bytes of object and a backing
 * store of its own; instead a chunk keeps (shared page, offset) and its bytes
 * live in power-of-two slots carved out of 256 KiB pages. Freed slots are
 * zeroed (the bit writer ORs bits into zero bytes) and reused.
 *
 * A freed slot is handed to the next chunk that needs one, so a reader must
 * never keep a view of a growing chunk: copy it (XorChunk.bytes().slice()).
 */
export interface ByteAllocator {
  /** The capacity alloc(bytes) would grant. */
  slotSize(bytes: number): number;
  /** Reserves slotSize(bytes) zeroed bytes; returns their address. */
  alloc(bytes: number): number;
  /** The page holding an address, and the address's offset in it. */
  page(addr: number): Uint8Array;
  offset(addr: number): number;
  /** Gives back a slot of `size` bytes; the caller must not touch it afterwards. */
  free(addr: number, size: number): void;
}

const PAGE_BYTES = 256 * 1024;
const MIN_SLOT = 32;
/** Larger requests get a page of their own (rare: a chunk is cut at 240 samples). */
const MAX_SLOT = 8192;
/** Address = page index * PAGE_SPAN + offset. */
const PAGE_SPAN = 1 << 24;

export class ByteSlab implements ByteAllocator {
  private readonly pages: Array<Uint8Array | undefined> = [];
  private current = -1;
  private used = PAGE_BYTES;
  /** Free slot addresses by size class (index = log2(size / MIN_SLOT)). */
  private readonly freeLists: number[][] = [];

  slotSize(bytes: number): number {
    if (bytes > MAX_SLOT) return bytes;
    let size = MIN_SLOT;
    while (size < bytes) size *= 2;
    return size;
  }

  alloc(bytes: number): number {
    const size = this.slotSize(bytes);
    if (size > MAX_SLOT) {
      this.pages.push(new Uint8Array(size));
      return (this.pages.length - 1) * PAGE_SPAN;
    }
    const reused = this.freeLists[Math.log2(size / MIN_SLOT)]?.pop();
    if (reused !== undefined) return reused;
    if (this.used + size > PAGE_BYTES) {
      this.pages.push(new Uint8Array(PAGE_BYTES));
      this.current = this.pages.length - 1;
      this.used = 0;
    }
    const addr = this.current * PAGE_SPAN + this.used;
    this.used += size;
    return addr;
  }

  page(addr: number): Uint8Array {
    const p = this.pages[Math.floor(addr / PAGE_SPAN)];
    if (!p) throw new RangeError(`byte slab address ${addr} is not allocated`);
    return p;
  }

  offset(addr: number): number {
    return addr % PAGE_SPAN;
  }

  free(addr: number, size: number): void {
    if (size > MAX_SLOT) {
      this.pages[Math.floor(addr / PAGE_SPAN)] = undefined;
      return;
    }
    this.page(addr).fill(0, this.offset(addr), this.offset(addr) + size);
    (this.freeLists[Math.log2(size / MIN_SLOT)] ??= []).push(addr);
  }

  /** Bytes held in pages. */
  get bytesAllocated(): number {
    let n = 0;
    for (const p of this.pages) if (p) n += p.length;
    return n;
  }
}
