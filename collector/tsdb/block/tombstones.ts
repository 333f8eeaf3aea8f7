/**
 * The `tombstones` file of a block (Prometheus' tsdb/tombstones): deletions
 * recorded as time intervals per series reference, applied when reading and
 * made permanent by compaction.
 *
 *   magic 0x0130BA30 <4b> | version 1 <1b> | (ref <uvarint> mint <varint> maxt <varint>)* | CRC-32C <4b>
 *
 * The CRC covers the entries only, not the version byte (as Prometheus does).
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Decbuf } from './decbuf.js';
import { Encbuf } from './encbuf.js';
import { writeFileDurably } from './durable-fs.js';

export const TOMBSTONES_FILENAME = 'tombstones';
export const TOMBSTONES_MAGIC = 0x0130ba30;
const TOMBSTONES_FORMAT_V1 = 1;

/** A closed interval [minT, maxT] in milliseconds. */
export interface Interval {
  readonly minT: number;
  readonly maxT: number;
}

/** Adds `n` to sorted, non-overlapping intervals, merging neighbours that touch (times are discrete). */
export function addInterval(list: readonly Interval[], n: Interval): Interval[] {
  const out: Interval[] = [];
  let cur = n;
  let placed = false;
  for (const iv of list) {
    if (iv.maxT < cur.minT - 1) out.push(iv);
    else if (iv.minT > cur.maxT + 1) {
      if (!placed) out.push(cur);
      placed = true;
      out.push(iv);
    } else cur = { minT: Math.min(iv.minT, cur.minT), maxT: Math.max(iv.maxT, cur.maxT) };
  }
  if (!placed) out.push(cur);
  return out;
}

export const inIntervals = (list: readonly Interval[], t: number): boolean =>
  list.some((iv) => t >= iv.minT && t <= iv.maxT);

/** Does one interval cover all of [minT, maxT]? */
export const coveredBy = (list: readonly Interval[], minT: number, maxT: number): boolean =>
  list.some((iv) => iv.minT <= minT && maxT <= iv.maxT);

export type Tombstones = ReadonlyMap<number, readonly Interval[]>;

export function countTombstones(t: Tombstones): number {
  let n = 0;
  for (const ivs of t.values()) n += ivs.length;
  return n;
}

export function encodeTombstones(stones: Tombstones): Uint8Array {
  const b = new Encbuf(64);
  b.putBE32(TOMBSTONES_MAGIC);
  b.putByte(TOMBSTONES_FORMAT_V1);
  for (const ref of [...stones.keys()].sort((a, b) => a - b)) {
    for (const iv of stones.get(ref)!) {
      b.putUvarint(ref);
      b.putVarint(iv.minT);
      b.putVarint(iv.maxT);
    }
  }
  b.putCrcOf(5);
  return b.get().slice();
}

/** Parses a tombstones file; a missing file means no deletions. Throws CorruptionError. */
export function decodeTombstones(bytes: Uint8Array, file: string): Map<number, Interval[]> {
  const d = new Decbuf(bytes, file, 0, bytes.length - 4);
  if (bytes.length < 9) d.fail(`file is ${bytes.length} bytes, shorter than header and checksum (9)`, 0);
  const magic = d.be32();
  if (magic !== TOMBSTONES_MAGIC) d.fail(`bad magic 0x${magic.toString(16)}, expected 0x130ba30`, 0);
  const version = d.byte();
  if (version !== TOMBSTONES_FORMAT_V1) d.fail(`unsupported tombstones format ${version}`, 4);
  d.checkCrc(5, bytes.length - 4, 'tombstones');
  const out = new Map<number, Interval[]>();
  while (d.remaining > 0) {
    const ref = d.uvarint();
    const minT = d.varint();
    const maxT = d.varint();
    out.set(ref, addInterval(out.get(ref) ?? [], { minT, maxT }));
  }
  return out;
}

export async function readTombstones(blockDir: string): Promise<Map<number, Interval[]>> {
  const file = join(blockDir, TOMBSTONES_FILENAME);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  return decodeTombstones(bytes, file);
}

/** Replaces the tombstones file atomically (write, fsync, rename). */
export async function writeTombstones(blockDir: string, stones: Tombstones): Promise<void> {
  const file = join(blockDir, TOMBSTONES_FILENAME);
  await writeFileDurably(file + '.tmp', encodeTombstones(stones));
  await rename(file + '.tmp', file);
}
