/**
 * Opening a queue directory: find the segment files, check every record's
 * frame, count the samples still to send, and cut off a torn tail left by a
 * crash in the middle of a write (with a warning naming file and offset).
 */
import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/index.js';
import { recordSampleCount } from './record-codec.js';
import { scanFrame } from './segment-frame.js';

export interface Segment {
  readonly index: number;
  /** Bytes of whole, durable records; the reader never goes past this. */
  bytes: number;
  /** Samples in this segment at or after the acknowledged position. */
  samples: number;
  /** No more records will be written to it. */
  sealed: boolean;
}

const SEGMENT_NAME = /^segment-(\d{8,})$/;

export const segmentPath = (dir: string, index: number): string =>
  path.join(dir, `segment-${String(index).padStart(8, '0')}`);

/**
 * Segments in index order. Those wholly before the acknowledged position are
 * deleted: a crash after the position was saved but before the delete left them.
 */
export async function openSegments(
  dir: string,
  acked: { segment: number; offset: number },
  logger: Logger,
): Promise<Segment[]> {
  const indexes = (await readdir(dir))
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const out: Segment[] = [];
  for (const index of indexes) {
    const file = segmentPath(dir, index);
    if (index < acked.segment) {
      await rm(file, { force: true });
      continue;
    }
    const from = index === acked.segment ? acked.offset : 0;
    out.push({ index, ...(await checkSegment(file, from, logger)), sealed: true });
  }
  return out;
}

async function checkSegment(file: string, from: number, logger: Logger): Promise<{ bytes: number; samples: number }> {
  const fh = await open(file, 'r+');
  try {
    const buf = new Uint8Array((await fh.stat()).size);
    await fh.read(buf, 0, buf.length, 0);
    let offset = 0;
    let samples = 0;
    while (offset < buf.length) {
      const s = scanFrame(buf, offset);
      if (s.kind !== 'frame') {
        const why = s.kind === 'corrupt' ? s.reason : 'record cut short';
        logger.warn('remote-write queue: truncating a torn or damaged segment tail (a crash during a write)', {
          file,
          offset,
          reason: why,
          truncatedBytes: buf.length - offset,
        });
        await fh.truncate(offset);
        break;
      }
      if (offset >= from) samples += recordSampleCount(s.frame.payload);
      offset = s.frame.end;
    }
    return { bytes: offset, samples };
  } finally {
    await fh.close();
  }
}
