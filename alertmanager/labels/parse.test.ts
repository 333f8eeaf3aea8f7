import { describe, expect, it } from 'vitest';
import {
  matchesAll,
  matchersToString,
  newMatcher,
  parseClassicMatchers,
  parseMatcher,
  parseMatchers,
  parseUtf8Matchers,
} from './index.js';
import type { Matcher } from './index.js';

const show = (r: { ok: true; value: Matcher[] } | { ok: false; error: string }): string =>
  r.ok ? matchersToString(r.value) : `ERR ${r.error}`;

describe('UTF-8 matchers parser', () => {
  it.each([
    ['foo=bar', '{foo="bar"}'],
    ['{foo="bar", baz=~"q.*",}', '{foo="bar",baz=~"q.*"}'],
    ['foo = "bar" ', '{foo="bar"}'],
    ['"a b"="c"', '{"a b"="c"}'],
    ['Προμηθεύς=x', '{Προμηθεύς="x"}'],
    ['foo="\\xf0\\x9f\\x99\\x82"', '{foo="🙂"}'],
    ['foo!~"a\\\\d+"', '{foo!~"a\\\\d+"}'],
    ['{}', '{}'],
    ['', '{}'],
  ])('parses %j', (input, want) => expect(show(parseUtf8Matchers(input))).toBe(want));

  it.each([
    ['foo=', 'end of input: expected label value'],
    ['{foo=bar', '0:8: end of input: expected close brace'],
    ['foo=bar}', '0:8: }: expected opening brace'],
    ['foo!bar', "3:4: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or '!~'"],
    ['foo=bar baz', '8:11: unexpected baz: expected a comma or close brace'],
    ['foo="bar",,', '10:11: unexpected ,: expected a matcher or close brace after comma'],
    ['foo="ba\\q"', '4:10: "ba\\q": invalid input'],
    ['foo="bar', '4:8: "bar: missing end ": expected label value'],
    ['foo=~"("', 'failed to create matcher: error parsing regexp: missing closing ): `^(?:()$`'],
    ['{foo="bar"}}', '11:12: }: expected end of input'],
  ])('rejects %j', (input, want) => expect(show(parseUtf8Matchers(input))).toBe(`ERR ${want}`));
});

describe('classic matchers parser', () => {
  it.each([
    ['foo=', '{foo=""}'],
    ['foo=bar baz', '{foo="bar baz"}'],
    ['{quote="She said: \\"Hi, ladies!\\""}', '{quote="She said: \\"Hi, ladies!\\""}'],
    ['foo="ba\\q"', '{foo="ba\\\\q"}'],
    ['a=b, c!~d,', '{a="b",c!~"d"}'],
  ])('parses %j', (input, want) => expect(show(parseClassicMatchers(input))).toBe(want));

  it.each([
    ['foo!bar', 'bad matcher format: foo!bar'],
    ['"a b"="c"', 'bad matcher format: "a b"="c"'],
    ['foo="a"b"', 'matcher value contains unescaped double quote: "a"b"'],
  ])('rejects %j', (input, want) => expect(show(parseClassicMatchers(input))).toBe(`ERR ${want}`));
});

describe('fallback mode', () => {
  it('uses the classic result and warns when only the classic parser accepts the input', () => {
    const warnings: Array<Readonly<Record<string, string>>> = [];
    const r = parseMatchers('foo=', { warn: (_m, f) => warnings.push(f) });
    expect(show(r)).toBe('{foo=""}');
    expect(warnings).toEqual([
      { input: 'foo=', origin: 'config', err: 'end of input: expected label value', suggestion: 'foo=""' },
    ]);
  });
  it('returns the classic error when both parsers reject', () => {
    expect(show(parseMatchers('foo!bar'))).toBe('ERR bad matcher format: foo!bar');
  });
  it('warns on disagreement and keeps the classic reading', () => {
    const msgs: string[] = [];
    const r = parseMatchers('foo="\\xf0\\x9f\\x99\\x82"', { warn: (m) => msgs.push(m) });
    expect(show(r)).toBe('{foo="\\\\xf0\\\\x9f\\\\x99\\\\x82"}');
    expect(msgs).toEqual(['Matchers input has disagreement']);
  });
  it('strict mode does not fall back', () => {
    expect(show(parseMatchers('foo=', { mode: 'utf8-strict' }))).toBe('ERR end of input: expected label value');
  });
  it('single matcher rejects braces and lists', () => {
    expect(parseMatcher('{foo="bar"}')).toEqual({ ok: false, error: 'unexpected open or close brace: {foo="bar"}' });
    expect(parseMatcher('a=b,c=d', { mode: 'utf8-strict' })).toEqual({
      ok: false,
      error: 'expected 1 matcher, found 2',
    });
    // The classic parser reads everything after the operator as the value.
    const r = parseMatcher('a=b,c=d');
    expect(r.ok && r.value.toString()).toBe('a="b,c=d"');
  });
});

describe('matching', () => {
  const m = (s: string): Matcher[] => {
    const r = parseMatchers(s);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  it('anchors regexes and treats a missing label as empty', () => {
    expect(matchesAll(m('job=~"api|web"'), { job: 'api' })).toBe(true);
    expect(matchesAll(m('job=~"api|web"'), { job: 'api-2' })).toBe(false);
    expect(matchesAll(m('env!="prod"'), {})).toBe(true);
    expect(matchesAll(m('env=~".+"'), {})).toBe(false);
    expect(matchesAll(m('env!~"dev|test", team="a"'), { env: 'prod', team: 'a' })).toBe(true);
  });
  it('uses RE2 syntax: no backreferences or lookarounds', () => {
    expect(newMatcher('=~', 'a', '(?=x)').ok).toBe(false);
    expect(newMatcher('=~', 'a', '\\d+').ok).toBe(true);
  });
});
