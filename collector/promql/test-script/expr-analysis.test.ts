import { describe, expect, it } from 'vitest';
import { analyzeExpr, pinToTime, selectorMayMatch } from './expr-analysis.js';

describe('pinToTime', () => {
  it('pins every selector and subquery not pinned yet, as promqltest does', () => {
    expect(pinToTime('rate(foo[5m]) + bar', 60_000)).toBe('rate(foo[5m] @ 60.000) + bar @ 60.000');
    expect(pinToTime('foo offset 5m', 1500)).toBe('foo @ 1.500 offset 5m');
    expect(pinToTime('-metric @ 100', 10_000)).toBe('-metric @ 100');
    expect(pinToTime('metric{job="1"} @ 50 + metric{job="1"}', 100_000)).toBe(
      'metric{job="1"} @ 50 + metric{job="1"} @ 100.000',
    );
    expect(pinToTime('foo offset -5m @ start()', 1000)).toBe('foo offset -5m @ start()');
    expect(pinToTime('foo[5m] anchored', 0)).toBe('foo[5m] anchored @ 0.000');
    expect(pinToTime('x offset (step()/10)', -1000)).toBe('x @ -1.000 offset (step()/10)');
    expect(pinToTime('foo[5m] offset 1m @ 10', 0)).toBe('foo[5m] offset 1m @ 10');
  });

  it('pins a subquery, not the selectors inside it', () => {
    expect(pinToTime('max_over_time(rate(foo[1m])[5m:1m])', 2000)).toBe('max_over_time(rate(foo[1m])[5m:1m] @ 2.000)');
  });

  it('declines expressions with time-dependent functions', () => {
    expect(pinToTime('time() - foo', 1000)).toBeUndefined();
    expect(pinToTime('timestamp(foo)', 1000)).toBeUndefined();
    expect(pinToTime('sum_over_time(hour(foo)[5m:])', 1000)).toBeUndefined();
  });
});

describe('analyzeExpr', () => {
  it('lists each selector with its matchers', () => {
    expect(analyzeExpr('sum(rate(a{b="c", d=~"e.*"}[5m])) / {"x.y", z!="1"}').selectors).toEqual([
      [
        { type: '=', name: '__name__', value: 'a' },
        { type: '=', name: 'b', value: 'c' },
        { type: '=~', name: 'd', value: 'e.*' },
      ],
      [
        { type: '=', name: '__name__', value: 'x.y' },
        { type: '!=', name: 'z', value: '1' },
      ],
    ]);
  });

  it('gives up on expressions the grammar cannot read', () => {
    expect(analyzeExpr('sum(').selectors).toBeUndefined();
  });

  it('matches selectors against label sets with anchored RE2', () => {
    const sel = analyzeExpr('{__name__=~"http_.*", job!~"a|b"}').selectors?.[0] ?? [];
    expect(selectorMayMatch(sel, { __name__: 'http_requests', job: 'c' })).toBe(true);
    expect(selectorMayMatch(sel, { __name__: 'http_requests', job: 'a' })).toBe(false);
    expect(selectorMayMatch(sel, { __name__: 'xhttp_requests' })).toBe(false);
  });
});

describe('pinToTime on unreadable input', () => {
  it('does not pin what the grammar cannot read', () => {
    expect(pinToTime('sum(', 1000)).toBeUndefined();
  });
});
