import { describe, expect, it } from 'vitest';
import { formatExpr } from '../parser/format.js';
import { ParseCache } from './parse-cache.js';

describe('ParseCache', () => {
  it('returns the same tree for the same text and parses new texts', () => {
    const cache = new ParseCache({});
    const a = cache.parse('sum by (job) (rate(x[5m]))');
    const b = cache.parse('sum by (job) (rate(x[5m]))');
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
    const c = cache.parse('sum by (job) (rate(x[1m]))');
    expect(c.ok && formatExpr(c.value)).toBe('sum by (job) (rate(x[1m]))');
    expect(cache.size).toBe(2);
  });

  it('does not keep errors and honours the options', () => {
    const plain = new ParseCache({});
    expect(plain.parse('sum(').ok).toBe(false);
    expect(plain.size).toBe(0);
    expect(plain.parse('limitk(1, x)').ok).toBe(false);
    expect(new ParseCache({ enableExperimentalFunctions: true }).parse('limitk(1, x)').ok).toBe(true);
  });

  it('evicts the least recently used text beyond its capacity', () => {
    const cache = new ParseCache({}, 2);
    const first = cache.parse('a');
    cache.parse('b');
    cache.parse('a'); // a is now the most recent
    cache.parse('c'); // evicts b
    expect(cache.size).toBe(2);
    const again = cache.parse('a');
    expect(first.ok && again.ok && first.value === again.value).toBe(true);
    const b1 = cache.parse('b');
    const b2 = cache.parse('b');
    expect(b1.ok && b2.ok && b1.value === b2.value).toBe(true);
  });
});
