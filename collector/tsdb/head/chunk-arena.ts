/**
 * Storage for completed head chunks. A typed array per chunk would cost more
 * in object headers (~150 bytes) than the ~150 bytes of samples it holds, so
 * completed chunks are packed into 1 MiB pages instead, much as Prometheus
 * moves them to its memory-mapped chunks_head files. A page is released once
 * no chunk in it is alive; chunks are completed in roughly time order, so head
 * truncation empties whole pages.
 */
const PAGE_BYTES = 1 << 20;

export class ChunkArena {
  private readonly pages: Array<Uint8Array | undefined> = [];
  private readonly live: number[] = [];
  private used = PAGE_BYTES; // forces a page on first put

  /** Copies bytes in and returns a ref (page * PAGE_BYTES + offset). */
  put(bytes: Uint8Array): number {
    if (bytes.length > PAGE_BYTES) throw new RangeError(`chunk of ${bytes.length} bytes exceeds the arena page`);
    if (this.used + bytes.length > PAGE_BYTES) {
      this.pages.push(new Uint8Array(PAGE_BYTES));
      this.live.push(0);
      this.used = 0;
    }
    const page = this.pages.length - 1;
    this.pages[page]!.set(bytes, this.used);
    this.live[page]!++;
    const ref = page * PAGE_BYTES + this.used;
    this.used += bytes.length;
    return ref;
  }

  /** A view of a stored chunk; valid until the chunk is freed. */
  get(ref: number, length: number): Uint8Array {
    const page = this.pages[Math.floor(ref / PAGE_BYTES)];
    if (!page) throw new RangeError(`chunk ref ${ref} points into a released page`);
    const off = ref % PAGE_BYTES;
    return page.subarray(off, off + length);
  }

  /** The page holding a stored chunk, to read it in place at offsetOf(ref) (no view per chunk). */
  pageOf(ref: number): Uint8Array {
    const page = this.pages[Math.floor(ref / PAGE_BYTES)];
    if (!page) throw new RangeError(`chunk ref ${ref} points into a released page`);
    return page;
  }

  offsetOf(ref: number): number {
    return ref % PAGE_BYTES;
  }

  free(ref: number): void {
    const page = Math.floor(ref / PAGE_BYTES);
    const n = --this.live[page]!;
    // Keep the page being filled; release any other page nobody points into.
    if (n === 0 && page !== this.pages.length - 1) this.pages[page] = undefined;
  }

  /** Bytes held by pages currently allocated. */
  get bytesAllocated(): number {
    let n = 0;
    for (const p of this.pages) if (p) n += p.length;
    return n;
  }
}
