/**
 * Framing of queue records inside a segment file: u32 payload length, u32
 * CRC32 (IEEE, zlib's) of the payload, the payload; little endian. A frame
 * whose header or payload is cut short, or whose CRC does not match, ends the
 * readable part of the segment: after a crash that is the torn tail of the
 * last write.
 */
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;
/** No record is this large (a commit of millions of samples); a larger length means garbage. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Buffers made by withHeadroom: their first FRAME_HEADER_BYTES are free for the header. */
const roomy = new WeakSet<ArrayBufferLike>();

/**
 * A payload buffer of `size` bytes with room for the frame header before it,
 * so frame() writes the header in place instead of copying a record (one full
 * collection of a 110-pod node is ~3 MB) into a buffer of its own.
 */
export function withHeadroom(size: number): Uint8Array {
  const buf = new Uint8Array(FRAME_HEADER_BYTES + size);
  roomy.add(buf.buffer);
  return buf.subarray(FRAME_HEADER_BYTES);
}

export function frame(payload: Uint8Array): Uint8Array {
  const inPlace = payload.byteOffset === FRAME_HEADER_BYTES && roomy.has(payload.buffer);
  const out = inPlace
    ? new Uint8Array(payload.buffer, 0, FRAME_HEADER_BYTES + payload.length)
    : new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  if (!inPlace) out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export interface ScannedFrame {
  /** Offset of the frame header within the scanned buffer. */
  readonly offset: number;
  readonly end: number;
  readonly payload: Uint8Array;
}

export type FrameScan =
  | { readonly kind: 'frame'; readonly frame: ScannedFrame }
  /** Not enough bytes for a whole frame yet: more may still be written, or it is a torn tail. */
  | { readonly kind: 'incomplete'; readonly needBytes: number }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Reads the frame at `offset` of `buf` (buf[0] is file offset `base`, for messages). */
export function scanFrame(buf: Uint8Array, offset: number): FrameScan {
  if (buf.length - offset < FRAME_HEADER_BYTES) return { kind: 'incomplete', needBytes: FRAME_HEADER_BYTES };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = view.getUint32(offset, true);
  if (len > MAX_RECORD_BYTES) return { kind: 'corrupt', reason: `record length ${len} exceeds ${MAX_RECORD_BYTES}` };
  const end = offset + FRAME_HEADER_BYTES + len;
  if (end > buf.length) return { kind: 'incomplete', needBytes: FRAME_HEADER_BYTES + len };
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  const want = view.getUint32(offset + 4, true);
  const got = crc32(payload);
  if (want !== got) return { kind: 'corrupt', reason: `CRC32 mismatch (stored ${hex(want)}, computed ${hex(got)})` };
  return { kind: 'frame', frame: { offset, end, payload } };
}

const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0');
