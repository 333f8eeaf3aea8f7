import { describe, expect, it } from 'vitest';
import { canonicalPairs } from './label-set.js';
import { compileMatchers, eq, neq, nre, re } from './matcher.js';
import { PostingsIndex } from './postings-index.js';
import { SymbolTable } from './symbol-table.js';
import type { Labels, Matcher } from '../interface.js';

const series: Labels[] = [
  { __name__: 'up', job: 'api', env: 'prod' }, // 0
  { __name__: 'up', job: 'api' }, // 1
  { __name__: 'up', job: 'db', env: 'dev' }, // 2
  { __name__: 'http_requests_total', job: 'api', path: '/a\nb' }, // 3
  { __name__: 'http_requests_total', job: 'web', env: '' }, // 4: env="" is no env
];

function build(): PostingsIndex {
  const symbols = new SymbolTable();
  const idx = new PostingsIndex(symbols);
  series.forEach((l, ref) =>
    idx.add(
      ref,
      canonicalPairs(l).map((s) => symbols.intern(s)),
    ),
  );
  return idx;
}

function sel(idx: PostingsIndex, ...ms: Matcher[]): number[] {
  const c = compileMatchers(ms);
  if (!c.ok) throw c.error;
  return idx.select(c.value);
}

describe('PostingsIndex', () => {
  const idx = build();

  it('serves = and !=', () => {
    expect(sel(idx, eq('__name__', 'up'))).toEqual([0, 1, 2]);
    expect(sel(idx, eq('__name__', 'up'), eq('job', 'api'))).toEqual([0, 1]);
    expect(sel(idx, eq('__name__', 'up'), neq('env', 'prod'))).toEqual([1, 2]);
    expect(sel(idx, eq('__name__', 'nope'))).toEqual([]);
  });

  it('selects series lacking a label when the matcher matches ""', () => {
    expect(sel(idx, eq('__name__', 'up'), eq('env', ''))).toEqual([1]);
    expect(sel(idx, eq('env', ''))).toEqual([1, 3, 4]);
    expect(sel(idx, re('env', 'prod|'))).toEqual([0, 1, 3, 4]);
    expect(sel(idx, neq('env', ''))).toEqual([0, 2]);
    expect(sel(idx, re('env', '.+'))).toEqual([0, 2]);
    expect(sel(idx, re('env', '.*'))).toEqual([0, 1, 2, 3, 4]);
  });

  it('anchors regular expressions fully and lets . match newlines', () => {
    expect(sel(idx, re('job', 'ap'))).toEqual([]);
    expect(sel(idx, re('job', 'ap.'))).toEqual([0, 1, 3]);
    expect(sel(idx, re('job', 'api|db'))).toEqual([0, 1, 2, 3]);
    expect(sel(idx, nre('job', 'a.*'), eq('__name__', 'up'))).toEqual([2]);
    expect(sel(idx, re('path', '/a.b'))).toEqual([3]);
    expect(sel(idx, re('job', '(?i)API'))).toEqual([0, 1, 3]);
  });

  it('rejects an invalid RE2 pattern with the reason', () => {
    const bad = compileMatchers([re('job', 'a(b')]);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.message).toBe(
        'invalid regular expression "a(b": error parsing regexp: missing closing ): `a(b`',
      );
    // Perl lookahead is not RE2.
    expect(compileMatchers([re('job', '(?=a)')]).ok).toBe(false);
  });

  it('lists names and values, and forgets removed series', () => {
    const own = build();
    expect(own.labelNames()).toEqual(['__name__', 'env', 'job', 'path']);
    expect(own.labelValues('job')).toEqual(['api', 'db', 'web']);
    own.remove(
      2,
      canonicalPairs(series[2]!).map((s) => own.symbols.intern(s)),
    );
    expect(own.labelValues('job')).toEqual(['api', 'web']);
    expect(own.labelValues('env')).toEqual(['prod']);
    expect(own.seriesCount).toBe(4);
  });
});
