import { describe, expect, it } from 'vitest';
import { CorruptionError } from './decbuf.js';
import { addInterval, coveredBy, decodeTombstones, encodeTombstones, inIntervals } from './tombstones.js';

describe('addInterval', () => {
  it('keeps intervals sorted and merges overlapping or touching ones', () => {
    let l = addInterval([], { minT: 10, maxT: 20 });
    l = addInterval(l, { minT: 40, maxT: 50 });
    l = addInterval(l, { minT: 0, maxT: 5 });
    expect(l).toEqual([
      { minT: 0, maxT: 5 },
      { minT: 10, maxT: 20 },
      { minT: 40, maxT: 50 },
    ]);
    l = addInterval(l, { minT: 21, maxT: 39 }); // touches both neighbours
    expect(l).toEqual([
      { minT: 0, maxT: 5 },
      { minT: 10, maxT: 50 },
    ]);
    expect(inIntervals(l, 30)).toBe(true);
    expect(inIntervals(l, 7)).toBe(false);
    expect(coveredBy(l, 12, 50)).toBe(true);
    expect(coveredBy(l, 4, 12)).toBe(false);
  });
});

describe('tombstones file', () => {
  it('round-trips, including open-ended bounds', () => {
    const stones = new Map([
      [16, [{ minT: -(2 ** 63), maxT: 1000 }]],
      [17, [{ minT: 0, maxT: 2 ** 62 }]],
      [
        3,
        [
          { minT: 5, maxT: 6 },
          { minT: 100, maxT: 200 },
        ],
      ],
    ]);
    expect(decodeTombstones(encodeTombstones(stones), 't')).toEqual(stones);
  });

  it('matches the bytes Prometheus writes for an empty file', () => {
    // promtool create-blocks-from wrote exactly these 9 bytes.
    expect(Buffer.from(encodeTombstones(new Map())).toString('hex')).toBe('0130ba300100000000');
  });

  it('reports a damaged file with its name and offset', () => {
    const b = encodeTombstones(new Map([[1, [{ minT: 1, maxT: 2 }]]]));
    b[6] = b[6]! ^ 1;
    expect(() => decodeTombstones(b, '/data/X/tombstones')).toThrow(CorruptionError);
    expect(() => decodeTombstones(b, '/data/X/tombstones')).toThrow(
      /^\/data\/X\/tombstones: byte 5: tombstones: checksum mismatch/,
    );
  });
});
