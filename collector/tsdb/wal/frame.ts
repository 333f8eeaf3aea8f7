/**
 * Record framing inside a segment file:
 *
 *   type u8 | payload length u32 BE | CRC32 of type+length+payload u32 BE | payload
 *
 * A crash can leave a record half written; the reader stops at the first
 * record that is short or fails its CRC and says where.
 */
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 9;

export function frame(type: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt8(type, 0);
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, FRAME_HEADER_BYTES);
  out.writeUInt32BE(crcOf(out), 5);
  return out;
}

function crcOf(framed: Buffer): number {
  const head = crc32(framed.subarray(0, 5));
  return crc32(framed.subarray(FRAME_HEADER_BYTES), head);
}

export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
  /** Byte offset of the frame in the segment. */
  readonly offset: number;
}

export interface ReadResult {
  readonly frames: Frame[];
  /** Bytes up to the end of the last good frame. */
  readonly goodBytes: number;
  /** Why reading stopped before the end, with the byte offset. */
  readonly problem?: string;
}

export function readFrames(buf: Buffer): ReadResult {
  const frames: Frame[] = [];
  let off = 0;
  while (off < buf.length) {
    if (off + FRAME_HEADER_BYTES > buf.length) {
      return { frames, goodBytes: off, problem: `torn record header at byte ${off}` };
    }
    const type = buf.readUInt8(off);
    const len = buf.readUInt32BE(off + 1);
    if (off + FRAME_HEADER_BYTES + len > buf.length) {
      return {
        frames,
        goodBytes: off,
        problem: `record at byte ${off} claims ${len} bytes, past the end of the segment`,
      };
    }
    const framed = buf.subarray(off, off + FRAME_HEADER_BYTES + len);
    if (crcOf(framed) !== buf.readUInt32BE(off + 5)) {
      return { frames, goodBytes: off, problem: `CRC mismatch in record at byte ${off}` };
    }
    frames.push({ type, payload: framed.subarray(FRAME_HEADER_BYTES), offset: off });
    off += FRAME_HEADER_BYTES + len;
  }
  return { frames, goodBytes: off };
}
