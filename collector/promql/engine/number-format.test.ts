import { describe, expect, it } from 'vitest';
import { formatFloatGo, labelsHash, xxhash64 } from './number-format.js';

describe('xxhash64', () => {
  const enc = new TextEncoder();
  it.each([
    ['', 'ef46db3751d8e999'],
    ['a', 'd24ec4f1a98c6e5b'],
    ['abc', '44bc2cf5ad770999'],
  ])('hashes %j like the reference implementation', (input, hex) => {
    expect(xxhash64(enc.encode(input)).toString(16)).toBe(hex);
  });

  it('hashes labels independent of key order', () => {
    expect(labelsHash({ b: '2', a: '1' })).toBe(labelsHash({ a: '1', b: '2' }));
    expect(labelsHash({ a: '1' })).not.toBe(labelsHash({ a: '2' }));
  });
});

describe('formatFloatGo', () => {
  it.each([
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-2.5e-10, '-0.00000000025'],
    [0.1, '0.1'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
  ])('%d → %s', (v, want) => {
    expect(formatFloatGo(v)).toBe(want);
  });
});
