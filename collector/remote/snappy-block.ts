/**
 * Snappy *block* format (not the framed format), as remote write requires.
 * Decompression is our own so that a corrupt body is reported with the byte
 * offset where it goes wrong and so that the declared size is checked against
 * the limit before anything is allocated. The compressor is in
 * snappy-compress.ts.
 */
import { err, ok, type Result } from '../result.js';

export { snappyCompress, snappyMaxCompressedLength } from './snappy-compress.js';

export class SnappyError extends Error {
  constructor(
    readonly offset: number,
    message: string,
    /** Set when the body was well formed but declared more bytes than allowed. */
    readonly tooLarge = false,
  ) {
    super(`snappy: byte ${offset}: ${message}`);
    this.name = 'SnappyError';
  }
}

/** The decompressed length a block declares in its preamble. */
export function snappyDecodedLength(src: Uint8Array): Result<{ length: number; headerBytes: number }, SnappyError> {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= src.length) return err(new SnappyError(i, 'truncated length preamble'));
    const b = src[i] as number;
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (length > 0xffffffff) return err(new SnappyError(0, 'length preamble exceeds 32 bits'));
      return ok({ length, headerBytes: i + 1 });
    }
  }
  return err(new SnappyError(0, 'length preamble longer than 5 bytes'));
}

/** Below this many bytes a plain loop beats set()/copyWithin() and the view they need. */
const SHORT_COPY = 16;

/**
 * Decompresses one block; refuses blocks that declare more than `maxBytes`
 * before allocating. With `into` large enough, the result is a view of it
 * (a receiver reuses one buffer across requests instead of a new one each).
 */
export function snappyDecompress(
  src: Uint8Array,
  maxBytes = Number.MAX_SAFE_INTEGER,
  into?: Uint8Array,
): Result<Uint8Array, SnappyError> {
  const header = snappyDecodedLength(src);
  if (!header.ok) return header;
  const { length, headerBytes } = header.value;
  if (length > maxBytes) {
    return err(new SnappyError(0, `decompressed size ${length} bytes exceeds the limit of ${maxBytes} bytes`, true));
  }
  const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
  let pos = headerBytes;
  let o = 0;
  while (pos < src.length) {
    const at = pos;
    const tag = src[pos++] as number;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = (tag >>> 2) + 1;
        if (len > 60) {
          const extra = len - 60;
          if (pos + extra > src.length) return err(new SnappyError(at, 'truncated literal length'));
          len = 0;
          for (let i = 0; i < extra; i++) len += (src[pos + i] as number) * 2 ** (8 * i);
          len += 1;
          pos += extra;
        }
        if (pos + len > src.length)
          return err(new SnappyError(at, `literal of ${len} bytes runs past the end of the input`));
        if (o + len > length) return err(new SnappyError(at, `literal overflows the declared length ${length}`));
        if (len <= SHORT_COPY) for (let i = 0; i < len; i++) out[o + i] = src[pos + i]!;
        else out.set(src.subarray(pos, pos + len), o);
        pos += len;
        o += len;
        continue;
      }
      case 1:
        if (pos + 1 > src.length) return err(new SnappyError(at, 'truncated copy'));
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | (src[pos] as number);
        pos += 1;
        break;
      case 2:
        if (pos + 2 > src.length) return err(new SnappyError(at, 'truncated copy'));
        len = (tag >>> 2) + 1;
        offset = (src[pos] as number) | ((src[pos + 1] as number) << 8);
        pos += 2;
        break;
      default:
        if (pos + 4 > src.length) return err(new SnappyError(at, 'truncated copy'));
        len = (tag >>> 2) + 1;
        offset =
          ((src[pos] as number) | ((src[pos + 1] as number) << 8) | ((src[pos + 2] as number) << 16)) +
          (src[pos + 3] as number) * 2 ** 24;
        pos += 4;
        break;
    }
    if (offset === 0 || offset > o)
      return err(new SnappyError(at, `copy offset ${offset} points before the start of the output (at ${o})`));
    if (o + len > length) return err(new SnappyError(at, `copy overflows the declared length ${length}`));
    if (offset >= len && len > SHORT_COPY) {
      out.copyWithin(o, o - offset, o - offset + len);
      o += len;
    } else {
      // Byte by byte: a copy may overlap its own output (offset < len) to repeat a pattern.
      for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
    }
  }
  if (o !== length) return err(new SnappyError(src.length, `input ended after ${o} of ${length} declared bytes`));
  return ok(out);
}
