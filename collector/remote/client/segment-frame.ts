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

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  out.set(payload, FRAME_HEADER_BYTES);
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
