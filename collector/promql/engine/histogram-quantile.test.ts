import { describe, expect, it } from 'vitest';
import { bucketFraction, bucketQuantile } from './histogram-quantile.js';

const buckets = (pairs: [number, number][]): { upper: number; count: number }[] =>
  pairs.map(([upper, count]) => ({ upper, count }));

describe('bucketQuantile', () => {
  it('interpolates inside the bucket the rank falls into', () => {
    const b = buckets([
      [0.1, 5],
      [0.2, 7],
      [1, 11],
      [Infinity, 12],
    ]);
    expect(bucketQuantile(0.5, b)[0]).toBeCloseTo(0.15, 10);
    expect(bucketQuantile(1, b)[0]).toBe(1); // the +Inf bucket answers with the highest finite bound
    expect(bucketQuantile(-1, b)[0]).toBe(-Infinity);
    expect(bucketQuantile(0.5, buckets([[1, 2]]))[0]).toBeNaN(); // no +Inf bucket
  });

  it('fixes non-monotonic counts and says so', () => {
    const [v, forced] = bucketQuantile(
      0.5,
      buckets([
        [0.1, 2],
        [1, 1],
        [10, 5],
        [100, 4],
        [1000, 9],
        [Infinity, 8],
      ]),
    );
    expect(v).toBeCloseTo(8.5, 10);
    expect(forced).toBe(true);
  });
});

describe('bucketFraction', () => {
  const b = buckets([
    [1, 1],
    [2, 3],
    [3, 6],
    [Infinity, 100],
  ]);
  it('counts the first positive bucket from zero and the +Inf bucket at infinity', () => {
    expect(bucketFraction(0, 1.5, b)).toBeCloseTo(0.02, 10);
    expect(bucketFraction(4, 5, b)).toBe(0);
    expect(bucketFraction(400, Infinity, b)).toBeCloseTo(0.94, 10);
    expect(bucketFraction(3, 2, b)).toBe(0);
  });
});
