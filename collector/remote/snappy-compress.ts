/**
 * Snappy block compressor (format: google/snappy format_description.txt).
 *
 * The search is the reference one: a hash of 4 bytes finds an earlier
 * position with the same 4 bytes, the match is extended as far as it goes,
 * and after 32 misses in a row the scan skips ahead faster (one more byte a
 * probe per 32 misses) so incompressible input costs little. The output is
 * plain block format that every decoder reads, but it differs from the
 * reference's in two ways:
 *
 * - The whole input is one window instead of independent 64 KiB fragments.
 *   A scrape body lists metric families one after the other, so a container's
 *   labels come round again one family later, often more than 64 KiB back;
 *   such repeats become copies with a 4-byte offset, which the reference
 *   decoder (and Go's, and ours) accept for any offset inside the output. A
 *   far copy is never shorter than 5 bytes, so the reference's worst case,
 *   a 1-byte literal and a 5-byte copy for 6 bytes of input, still bounds
 *   the output at 32 + n + n/6. Nor is the skip reset every 64 KiB: a long
 *   incompressible stretch is crossed in ever longer steps.
 * - The hash table lives as long as the process (128 KiB). Entries hold the
 *   position plus a base that grows with every call, so what an earlier call
 *   left behind reads as "no candidate" without clearing the table, and the
 *   same input always gives the same block.
 */
import { keptBuffer } from './kept-buffer.js';
import { putVarint } from './varint.js';

/** Worst case for `n` input bytes, as the reference's MaxCompressedLength. */
export function snappyMaxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

// 2^15 entries (128 KiB): a 64 KiB fragment needs no more than the reference's
// 2^14, but a window of a whole body keeps far repeats findable with twice that.
const HASH_BITS = 15;
const HASH_SHIFT = 32 - HASH_BITS;
const HASH_MUL = 0x1e35a7bd;
const table = new Int32Array(1 << HASH_BITS);
let tableBase = 0;

/** The table stores position + base in an int32. */
const MAX_INPUT_BYTES = 0x7fffffff - 1;
/** The last bytes are not searched (loads need no bounds checks there); they end the block as a literal. */
const INPUT_MARGIN = 15;
/** Literals longer than this are copied with set(); shorter ones byte by byte (cheaper than the view set() needs). */
const SHORT_LITERAL = 32;

function emitLiteral(out: Uint8Array, op: number, src: Uint8Array, from: number, len: number): number {
  const n = len - 1;
  if (n < 60) out[op++] = n << 2;
  else if (n < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else if (n < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  } else if (n < 0x1000000) {
    out[op++] = 62 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = n >>> 16;
  } else {
    out[op++] = 63 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = (n >>> 16) & 0xff;
    out[op++] = n >>> 24;
  }
  if (len <= SHORT_LITERAL) for (let i = 0; i < len; i++) out[op + i] = src[from + i]!;
  else out.set(src.subarray(from, from + len), op);
  return op + len;
}

/** One copy element of 4 to 64 bytes at an offset below 65536. */
function emitNearCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[op + 1] = offset & 0xff;
    return op + 2;
  }
  out[op] = 2 | ((len - 1) << 2);
  out[op + 1] = offset & 0xff;
  out[op + 2] = offset >>> 8;
  return op + 3;
}

/**
 * A match as copy elements of at most 64 bytes. Every piece keeps at least 4
 * bytes (a near copy cannot be shorter), a far one at least 5: a 5-byte
 * element for 4 bytes, after a 1-byte literal, would break the bound.
 */
function emitCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  const far = offset >= 0x10000;
  const minPiece = far ? 5 : 4;
  while (len > 0) {
    const piece = len >= 64 + minPiece ? 64 : len > 64 ? 60 : len;
    if (far) {
      out[op] = 3 | ((piece - 1) << 2);
      out[op + 1] = offset & 0xff;
      out[op + 2] = (offset >>> 8) & 0xff;
      out[op + 3] = (offset >>> 16) & 0xff;
      out[op + 4] = offset >>> 24;
      op += 5;
    } else op = emitNearCopy(out, op, offset, piece);
    len -= piece;
  }
  return op;
}

const hashAt = (src: Uint8Array, i: number): number =>
  Math.imul(src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24), HASH_MUL) >>> HASH_SHIFT;

/**
 * Whether `cand` (a table entry minus the base) starts a usable match for `ip`:
 * written by this call, the same 4 bytes, and a 5th too if the offset needs
 * the 5-byte copy element.
 */
function matches(src: Uint8Array, cand: number, ip: number): boolean {
  return (
    cand >= 0 &&
    src[cand] === src[ip] &&
    src[cand + 1] === src[ip + 1] &&
    src[cand + 2] === src[ip + 2] &&
    src[cand + 3] === src[ip + 3] &&
    (ip - cand < 0x10000 || src[cand + 4] === src[ip + 4])
  );
}

/** Int32Array reads bytes little-endian; on a big-endian machine (s390x, AIX) matchEnd goes byte by byte. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * src as the aligned 32-bit words of its buffer: word w holds src bytes
 * [4w - head, 4w - head + 4), head = src.byteOffset % 4. Only words wholly
 * inside src are in the view; the bytes of a word that lie before src are
 * shifted out before anything is compared.
 */
function wordsOf(src: Uint8Array): Int32Array {
  const head = src.byteOffset & 3;
  return new Int32Array(src.buffer, src.byteOffset - head, (head + src.length) >>> 2);
}

/**
 * Where the match that continues at `from`, `offset` bytes back, ends. On a
 * label-heavy body most of the time goes here, so past the first few bytes
 * it compares a word at a time: `from` is aligned, and the earlier side is
 * assembled from two aligned words. (DataView's unaligned loads would be
 * simpler, but they are slow under Maglev, and the collector runs with
 * --max-opt=2.)
 */
function matchEnd(src: Uint8Array, words: Int32Array, from: number, offset: number): number {
  const n = src.length;
  const head = src.byteOffset & 3;
  let i = from;
  if (LITTLE_ENDIAN) {
    for (; (i + head) & 3; i++) if (i >= n || src[i] !== src[i - offset]) return i;
    let wi = (i + head) >>> 2;
    const back = i + head - offset;
    let wb = back >>> 2;
    const lo = (back & 3) * 8;
    if (lo === 0) {
      for (; i + 4 <= n && words[wi] === words[wb]; i += 4) {
        wi++;
        wb++;
      }
    } else {
      for (let prev = words[wb]!; i + 4 <= n; i += 4) {
        const next = words[++wb]!;
        if (words[wi++] !== ((prev >>> lo) | (next << (32 - lo)))) break;
        prev = next;
      }
    }
  }
  while (i < n && src[i] === src[i - offset]) i++;
  return i;
}

/** Compresses src[0..n) into out from `op`; returns the end. Needs n >= INPUT_MARGIN. */
function compressBody(src: Uint8Array, out: Uint8Array, op: number, base: number): number {
  const n = src.length;
  const ipLimit = n - INPUT_MARGIN;
  const words = wordsOf(src);
  let nextEmit = 0;
  let ip = 1;
  let nextHash = hashAt(src, ip);
  for (;;) {
    // Look for a match; every 32 misses in a row step one byte further.
    let skip = 32;
    let nextIp = ip;
    let cand: number;
    do {
      ip = nextIp;
      const h = nextHash;
      nextIp = ip + (skip++ >>> 5);
      if (nextIp > ipLimit) return emitLiteral(out, op, src, nextEmit, n - nextEmit);
      nextHash = hashAt(src, nextIp);
      cand = table[h]! - base;
      table[h] = ip + base;
    } while (!matches(src, cand, ip));
    op = emitLiteral(out, op, src, nextEmit, ip - nextEmit);
    // Emit the match, and as long as the bytes right after it match again, that one too.
    do {
      const end = matchEnd(src, words, ip + 4, ip - cand);
      op = emitCopy(out, op, ip - cand, end - ip);
      ip = nextEmit = end;
      if (ip >= ipLimit) return nextEmit < n ? emitLiteral(out, op, src, nextEmit, n - nextEmit) : op;
      table[hashAt(src, ip - 1)] = ip - 1 + base;
      const h = hashAt(src, ip);
      cand = table[h]! - base;
      table[h] = ip + base;
    } while (matches(src, cand, ip));
    nextHash = hashAt(src, ++ip);
  }
}

/** Where blocks are written before being copied out (remote-write bodies are ~1 MB before compression). */
const workFor = keptBuffer(4 * 1024 * 1024);

/**
 * Compresses `src` into one snappy block, in a buffer of exactly its length:
 * the block is written into one of snappyMaxCompressedLength(src.length) bytes
 * and copied out, so a body that waits in a retry queue holds only its own
 * bytes (a remote-write body compresses ~10x). An input of 2 GiB or more is a
 * bug in the caller (a remote-write body is megabytes) and throws.
 */
export function snappyCompress(src: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = src.length;
  if (n > MAX_INPUT_BYTES) throw new RangeError(`snappy: cannot compress ${n} bytes in one block`);
  const bound = snappyMaxCompressedLength(n);
  const out = workFor(bound);
  let op = putVarint(out, 0, n);
  if (n < INPUT_MARGIN) op = n > 0 ? emitLiteral(out, op, src, 0, n) : op;
  else {
    if (tableBase > MAX_INPUT_BYTES - n) {
      table.fill(0);
      tableBase = 0;
    }
    const base = tableBase + 1; // every entry an earlier call wrote is below it
    tableBase = base + n;
    op = compressBody(src, out, op, base);
  }
  // Writes past the end of a typed array are dropped silently: check rather than return a corrupt block.
  if (op > bound) throw new Error(`snappy: wrote ${op} bytes, more than the ${bound}-byte bound`);
  return out.slice(0, op);
}
