import { describe, expect, it } from 'vitest';
import { XorChunk } from '../chunkenc/xor-chunk.js';
import { Head } from './head.js';
import { HeadAppender } from './head-appender.js';
import { seriesForBlock } from './head-blocks.js';

const HOUR = 3600_000;

async function append(head: Head, name: string, ts: readonly number[]): Promise<void> {
  const app = new HeadAppender(head, undefined);
  for (const t of ts) {
    const r = app.append({ __name__: name }, t, t / 1000);
    if (!r.ok) throw r.error;
  }
  await app.commit();
}

function decode(data: Uint8Array): number[] {
  const it = XorChunk.fromBytes(data).iterator();
  const out: number[] = [];
  while (it.next()) out.push(it.t);
  return out;
}

describe('seriesForBlock', () => {
  it('hands over chunks inside the range verbatim, unaffected by later appends', async () => {
    const head = new Head();
    const ts = Array.from({ length: 3 * 240 }, (_, i) => i * 15_000); // 3 h at 15 s
    await append(head, 'plain', ts);
    const [s] = seriesForBlock(head, 0, 2 * HOUR);
    expect(s!.labels).toEqual({ __name__: 'plain' });
    expect(s!.chunks.map((c) => [c.minT, c.maxT])).toEqual([
      [0, 1785_000],
      [1800_000, 3585_000],
      [3600_000, 5385_000],
      [5400_000, 7185_000],
    ]);
    const headChunks = head.getByRef(1)!.chunks(0, 2 * HOUR - 1, head.arena);
    s!.chunks.forEach((c, i) => expect(Buffer.from(c.data)).toEqual(Buffer.from(headChunks[i]!.bytes)));
    expect(s!.chunks.flatMap((c) => decode(c.data))).toEqual(ts.filter((t) => t < 2 * HOUR));
    // The growing chunk is a copy: more samples, and other series reusing its buffer, leave it alone.
    const [partial] = seriesForBlock(head, 2 * HOUR, 4 * HOUR);
    const before = Buffer.from(partial!.chunks[0]!.data);
    await append(head, 'plain', [3 * HOUR, 3 * HOUR + 15_000]);
    await append(head, 'other', [3 * HOUR, 3 * HOUR + 1, 3 * HOUR + 2]);
    expect(Buffer.from(partial!.chunks[0]!.data)).toEqual(before);
  });

  it('re-encodes when out-of-order samples or deletions fall into the range', async () => {
    const head = new Head({ outOfOrderWindowMs: 2 * HOUR });
    await append(head, 'mixed', [60_000, 120_000, 180_000]);
    await append(head, 'mixed', [30_000, 90_000]); // out of order
    head.addTombstone(1, 100_000, 130_000);
    const [s] = seriesForBlock(head, 0, 2 * HOUR);
    expect(s!.chunks).toHaveLength(1);
    expect(decode(s!.chunks[0]!.data)).toEqual([30_000, 60_000, 90_000, 180_000]);
    expect([s!.chunks[0]!.minT, s!.chunks[0]!.maxT]).toEqual([30_000, 180_000]);
    expect(seriesForBlock(head, 2 * HOUR, 4 * HOUR)).toEqual([]);
  });

  it('truncation forgets persisted data and refuses appends below the cut', async () => {
    const head = new Head();
    await append(head, 'gone', [1000, 2000]);
    await append(head, 'stays', [1000, 2 * HOUR + 1000]);
    expect(head.chunkCount).toBe(3);
    const r = head.truncateBefore(2 * HOUR);
    expect(head.chunkCount).toBe(1);
    expect(r).toEqual({ seriesRemoved: 1, chunksRemoved: 2 });
    expect(head.numSeries).toBe(1);
    expect(head.minT).toBe(2 * HOUR + 1000);
    expect(head.index.labelValues('__name__')).toEqual(['stays']);
    const app = new HeadAppender(head, undefined);
    const late = app.append({ __name__: 'gone' }, 2 * HOUR - 1, 1);
    expect(!late.ok && late.error.kind).toBe('out_of_bounds');
  });

  it('keeps survivors intact when truncation compacts the label ids of removed series', async () => {
    const head = new Head();
    const app = new HeadAppender(head, undefined);
    for (let i = 0; i < 3000; i++) app.append({ __name__: 'churn', pod: `p${i}` }, 1000, i);
    for (let i = 0; i < 10; i++) app.append({ __name__: 'stay', pod: `s${i}` }, 2 * HOUR + 1000, i);
    await app.commit();
    head.truncateBefore(2 * HOUR);
    expect(head.numSeries).toBe(10);
    const again = new HeadAppender(head, undefined);
    for (let i = 0; i < 10; i++)
      expect(again.append({ __name__: 'stay', pod: `s${i}` }, 2 * HOUR + 2000, i).ok).toBe(true);
    await again.commit();
    expect(head.numSeries).toBe(10);
    const s3 = [...head.allSeries()].find((s) => head.pairsOf(s)[3] === 's3')!;
    expect(head.pairsOf(s3)).toEqual(['__name__', 'stay', 'pod', 's3']);
  });
});
