import { describe, expect, it } from 'vitest';
import { parseSeriesDesc } from './series-notation.js';
import type { SequenceValue } from './script-types.js';

const values = (text: string): readonly SequenceValue[] => {
  const r = parseSeriesDesc(text);
  if (!r.ok) throw new Error(`${r.error.column}: ${r.error.message}`);
  return r.value.values;
};
const floats = (text: string): number[] =>
  values(text).map((v) => (v.kind === 'float' ? v.v : v.kind === 'stale' ? -999 : -1));
const errorOf = (text: string): string => {
  const r = parseSeriesDesc(text);
  return r.ok ? 'no error' : `${r.error.column}: ${r.error.message}`;
};

describe('series notation', () => {
  it('reads metric names and label sets', () => {
    const r = parseSeriesDesc(`http_requests{job="api", path='/a\\'b', raw=\`x\\y\`,} 1`);
    expect(r.ok && r.value.labels).toEqual({ __name__: 'http_requests', job: 'api', path: "/a'b", raw: 'x\\y' });
    const bare = parseSeriesDesc('{} 1');
    expect(bare.ok && bare.value.labels).toEqual({});
    const utf8 = parseSeriesDesc('{"my.metric", "label.name"="v"} 1');
    expect(utf8.ok && utf8.value.labels).toEqual({ __name__: 'my.metric', 'label.name': 'v' });
    const colon = parseSeriesDesc('job:rate5m 1');
    expect(colon.ok && colon.value.labels).toEqual({ __name__: 'job:rate5m' });
  });

  it('expands a+bxN to N+1 values and a-bxN downwards', () => {
    expect(floats('m 0+10x3')).toEqual([0, 10, 20, 30]);
    expect(floats('m 10-2x2')).toEqual([10, 8, 6]);
    expect(floats('m -1-1x2')).toEqual([-1, -2, -3]);
    expect(floats('m 1x3')).toEqual([1, 1, 1, 1]);
    expect(floats('m 0x5')).toHaveLength(6); // "0x5" is five repetitions, never hexadecimal here
    expect(floats('m 1e-2x1 1e+2')).toEqual([0.01, 0.01, 100]);
  });

  it('adds increments step by step, so float rounding matches Prometheus', () => {
    // Ten additions of 0.1 give 0.9999999999999999, while 10 * 0.1 would be exactly 1.
    expect(floats('m 0+0.1x10')[10]).toBe(0.9999999999999999);
  });

  it('reads gaps, stale markers and special floats', () => {
    const v = values('m 1 _ _x2 stale Inf -Inf NaN +5');
    expect(v.map((x) => x.kind)).toEqual([
      'float',
      'omitted',
      'omitted',
      'omitted',
      'stale',
      'float',
      'float',
      'float',
      'float',
    ]);
    expect(floats('m inf -INF')).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(floats('m nan')[0])).toBe(true);
    expect(floats('m Inf+0x2')).toEqual([Infinity, Infinity, Infinity]);
    expect(values('m _x0')).toEqual([]);
  });

  it('reads numbers the way Go does (octal with a leading zero, underscores)', () => {
    expect(floats('m 010 1_000 .5 2.')).toEqual([8, 1000, 0.5, 2]);
  });

  it('marks native histograms and counts their repetitions', () => {
    const v = values('m {{schema:1 sum:3 count:22 buckets:[5 10 7]}} 2 {{count:1}}x2 {{count:1}}+{{count:2}}x1');
    expect(v.map((x) => x.kind)).toEqual([
      'histogram',
      'float',
      'histogram',
      'histogram',
      'histogram',
      'histogram',
      'histogram',
    ]);
  });

  it('reads custom-bucket histograms with spaces inside brackets and an increment', () => {
    const text =
      'metric{series="c"} {{schema:-53 sum:1 count:1 custom_values:[5 10] buckets:[1]}}+{{schema:-53 sum:5 count:4 custom_values:[5 10] buckets:[1 2 1]}}x3 _ 7';
    expect(values(text).map((x) => x.kind)).toEqual([
      'histogram',
      'histogram',
      'histogram',
      'histogram',
      'omitted',
      'float',
    ]);
  });

  it('rejects malformed items with the column', () => {
    expect(errorOf('m 1 2x')).toBe('7: invalid repetition count ""');
    expect(errorOf('m stalex3')).toContain('3: unexpected "stalex3"');
    expect(errorOf('m 1+2')).toBe('6: expected "x" and a count, got end of line');
    expect(errorOf('m 1+2x1.5')).toBe('7: invalid repetition count "1.5"');
    expect(errorOf('m -stale')).toContain('unexpected "stale"');
    expect(errorOf('m 1y')).toBe('3: bad number syntax: "1y"');
    expect(errorOf('m{a="b" 1')).toBe('9: expected "," or "}" in label set, got "1"');
    expect(errorOf('m{a=~"b"} 1')).toBe('4: expected "=" after label a, got "=~\\"b\\"} 1"');
    expect(errorOf('m{a="b"}1')).toBe('9: expected a space before the values, got "1"');
    expect(errorOf('m {{count:1')).toBe('3: histogram description incomplete: missing "}}"');
    expect(errorOf('m{a="1",a="2"} 1')).toBe('9: duplicate label a');
  });
});
