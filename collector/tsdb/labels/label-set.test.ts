import { describe, expect, it } from 'vitest';
import type { Labels } from '../interface.js';
import {
  canonicalPairs,
  compareLabels,
  compareStrings,
  hashEncodedPairs,
  hashLabelSet,
  hashLabelSetPairs,
  hashLabels,
  labelsFromPairs,
} from './label-set.js';
import { SymbolTable } from './symbol-table.js';

describe('label sets', () => {
  it('sorts by name and drops empty values', () => {
    expect(canonicalPairs({ job: 'api', __name__: 'up', empty: '', instance: 'a:1' })).toEqual([
      '__name__',
      'up',
      'instance',
      'a:1',
      'job',
      'api',
    ]);
    expect(Object.keys(labelsFromPairs(['a', '1', 'b', '2']))).toEqual(['a', 'b']);
  });

  it('hashes independently of key order and distinguishes name/value boundaries', () => {
    expect(hashLabels({ a: '1', b: '2' })).toBe(hashLabels({ b: '2', a: '1' }));
    expect(hashLabels({ a: '1', b: '2' })).not.toBe(hashLabels({ a: '12' }));
    expect(hashLabels({ ab: 'c' })).not.toBe(hashLabels({ a: 'bc' }));
    expect(hashLabels({ a: '' })).toBe(hashLabels({}));
    expect(Number.isSafeInteger(hashLabels({ x: 'y' }))).toBe(true);
  });

  it('hashes a Labels object without sorting it, as its canonical pairs hash', () => {
    const l = { job: 'api', __name__: 'up', empty: '', instance: 'a:1' };
    expect(hashLabelSet(l)).toBe(hashLabelSetPairs(canonicalPairs(l)));
    expect(hashLabelSet({ a: '1', b: '2' })).toBe(hashLabelSet({ b: '2', a: '1' }));
    expect(hashLabelSet({ ab: 'c' })).not.toBe(hashLabelSet({ a: 'bc' }));
    expect(hashLabelSet({ a: '1', b: '2' })).not.toBe(hashLabelSet({ a: '2', b: '1' }));
    expect(Number.isSafeInteger(hashLabelSet(l))).toBe(true);
  });

  it('hashes pairs given as ASCII bytes as their strings hash, and declines other bytes', () => {
    const encode = (pairs: string[]) => {
      const buf = Buffer.from(pairs.join(''), 'utf8');
      const offsets = new Int32Array(2 * pairs.length);
      let at = 0;
      pairs.forEach((p, i) => {
        offsets[2 * i] = at;
        at += Buffer.byteLength(p);
        offsets[2 * i + 1] = at;
      });
      return hashEncodedPairs(buf, offsets, pairs.length / 2);
    };
    const pairs = ['__name__', 'up', 'instance', 'node-1:10250', 'job', 'kubelet'];
    expect(encode(pairs)).toBe(hashLabelSetPairs(pairs));
    expect(encode(['__name__', 'up'])).not.toBe(encode(['__name_', '_up']));
    expect(encode(['city', 'Zürich'])).toBe(-1);
  });

  it('orders like Prometheus labels.Compare', () => {
    const sets: Labels[] = [{ a: '2' }, { a: '1', b: '1' }, { a: '1' }, { b: '0' }, { a: '10' }];
    const sorted = [...sets].sort(compareLabels);
    expect(sorted).toEqual([{ a: '1' }, { a: '1', b: '1' }, { a: '10' }, { a: '2' }, { b: '0' }]);
  });

  it('compares strings in UTF-8 byte order', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...), unlike UTF-16 order.
    expect(compareStrings('\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect(compareStrings('a', 'b')).toBeLessThan(0);
    expect(compareStrings('ab', 'a')).toBeGreaterThan(0);
  });

  it('compares interned symbols in UTF-8 order', () => {
    const st = new SymbolTable();
    const [a, b, emoji, fullwidth] = ['a', 'b', '\u{1f600}', '\uff5e'].map((x) => st.intern(x));
    expect(st.compare(a!, b!)).toBeLessThan(0);
    expect(st.compare(b!, a!)).toBeGreaterThan(0);
    expect(st.compare(a!, a!)).toBe(0);
    expect(st.compare(fullwidth!, emoji!)).toBeLessThan(0); // UTF-16 order would say the opposite
  });

  it('interns each string once', () => {
    const st = new SymbolTable();
    const a = st.intern('namespace');
    expect(st.intern(['name', 'space'].join(''))).toBe(a);
    expect(st.get(a)).toBe('namespace');
    expect(st.lookup('missing')).toBeUndefined();
    expect(() => st.get(99)).toThrow(/unknown symbol id 99/);
  });
});
