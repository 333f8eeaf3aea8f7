import { describe, expect, it } from 'vitest';
import { parseExpr } from './parse.js';
import type { Expr } from './ast.js';

function parsed(q: string): Expr {
  const r = parseExpr(q, { enableExperimentalFunctions: true });
  if (!r.ok) throw r.error;
  return r.value;
}
function failure(q: string, experimental = true): string {
  const r = parseExpr(q, { enableExperimentalFunctions: experimental });
  if (r.ok) throw new Error(`expected ${q} to fail`);
  return r.error.message;
}

describe('parseExpr', () => {
  it('builds selectors with the name as a matcher, offset and @', () => {
    const e = parsed('foo{a="b"}[5m] offset -1m @ 100');
    expect(e.kind).toBe('matrixSelector');
    if (e.kind !== 'matrixSelector') return;
    expect(e.vector.matchers).toEqual([
      { type: '=', name: '__name__', value: 'foo' },
      { type: '=', name: 'a', value: 'b' },
    ]);
    expect(e.range).toEqual({ kind: 'ms', ms: 300_000 });
    expect(e.vector.offset).toEqual({ kind: 'ms', ms: -60_000 });
    expect(e.vector.at).toEqual({ kind: 'time', ms: 100_000 });
  });

  it('binds unary minus looser than ^ and ^ to the right', () => {
    const e = parsed('-2 ^ 3 ^ 2');
    expect(e.kind).toBe('unary');
    if (e.kind !== 'unary' || e.expr.kind !== 'binary') throw new Error('shape');
    expect(e.expr.rhs.kind).toBe('binary');
  });

  it('reads numbers and strings as Go does', () => {
    expect(parsed('0x1F')).toMatchObject({ value: 31 });
    expect(parsed('1_000')).toMatchObject({ value: 1000 });
    expect(parsed('1m')).toMatchObject({ value: 60 });
    expect(parsed('"a\\tb\\u00e9"')).toMatchObject({ value: 'a\tbé' });
    expect(parsed('`a\\tb`')).toMatchObject({ value: 'a\\tb' });
  });

  it('keeps grouping written before or after the body', () => {
    expect(parsed('sum by (a) (x)')).toMatchObject({ grouping: ['a'], without: false });
    expect(parsed('sum(x) without (b)')).toMatchObject({ grouping: ['b'], without: true });
    expect(parsed('topk(3, x)')).toMatchObject({ op: 'topk', param: { value: 3 } });
  });

  it('reports errors with line:column', () => {
    expect(failure('foo{a="b"')).toBe('1:10: parse error: unexpected end of input inside braces');
    expect(failure('sum(foo')).toBe('1:8: parse error: unclosed left parenthesis');
    expect(failure('foo)')).toBe("1:4: parse error: unexpected right parenthesis ')'");
    expect(failure('foo{a=}')).toBe('1:7: parse error: unexpected "}" in label matching');
    expect(failure('rate(foo)')).toBe(
      '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    );
    expect(failure('1 > 2')).toBe('1:1: parse error: comparisons between scalars must use BOOL modifier');
    expect(failure('foo + bool bar')).toBe('1:1: parse error: bool modifier can only be used on comparison operators');
    expect(failure('1 and foo')).toBe('1:1: parse error: set operator "and" not allowed in binary scalar expression');
    expect(failure('{a=""}')).toBe('1:1: parse error: vector selector must contain at least one non-empty matcher');
    expect(failure('foo{__name__="bar"}')).toBe('1:1: parse error: metric name must not be set twice: "foo" or "bar"');
    expect(failure('nosuch(foo)')).toBe('1:1: parse error: unknown function with name "nosuch"');
    expect(failure('\n  round()')).toBe('2:3: parse error: expected at least 1 argument(s) in call to "round", got 0');
  });

  it('gates experimental functions', () => {
    expect(failure('mad_over_time(x[1m])', false)).toBe('1:1: parse error: function "mad_over_time" is not enabled');
    expect(parsed('mad_over_time(x[1m])').kind).toBe('call');
    expect(failure('rate(x[1m] anchored)', false)).toBe(
      '1:6: parse error: anchored modifier is experimental and not enabled',
    );
    expect(failure('a + fill(0) b', false)).toBe('1:1: parse error: fill modifiers are experimental and not enabled');
  });
});
