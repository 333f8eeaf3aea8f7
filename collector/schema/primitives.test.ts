import { describe, expect, expectTypeOf, it } from 'vitest';
import { s, type AnySchema, type Infer, type Input } from './index.js';

/** `path: message` of every issue, or the parsed value. */
function outcome(schema: AnySchema, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data } : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('string, number, boolean', () => {
  it('names what was expected and what was received, as zod does', () => {
    expect(outcome(s.string(), 5)).toEqual([': Invalid input: expected string, received number']);
    expect(outcome(s.string(), undefined)).toEqual([': Invalid input: expected string, received undefined']);
    expect(outcome(s.number(), '5')).toEqual([': Invalid input: expected number, received string']);
    expect(outcome(s.number(), null)).toEqual([': Invalid input: expected number, received null']);
    expect(outcome(s.boolean(), [])).toEqual([': Invalid input: expected boolean, received array']);
    expect(outcome(s.boolean(), {})).toEqual([': Invalid input: expected boolean, received object']);
    expect(outcome(s.string(), new Date(0))).toEqual([': Invalid input: expected string, received Date']);
    expect(outcome(s.string(), Object.create(null))).toEqual([': Invalid input: expected string, received object']);
  });

  it('takes only finite numbers (YAML has .nan and .inf)', () => {
    expect(outcome(s.number(), NaN)).toEqual([': Invalid input: expected number, received NaN']);
    expect(outcome(s.number(), -Infinity)).toEqual([': Invalid input: expected number, received -Infinity']);
    expect(outcome(s.number(), -0.5)).toEqual({ value: -0.5 });
  });

  it('passes the value through unchanged', () => {
    expect(outcome(s.string(), '')).toEqual({ value: '' });
    expect(outcome(s.boolean(), false)).toEqual({ value: false });
  });

  it('uses a schema-wide message for its own issues, made from the input if wanted', () => {
    const path = s.string({ error: (i) => `expected a path, got ${i.code} ${JSON.stringify(i.input)}` });
    expect(outcome(path, 3)).toEqual([': expected a path, got invalid_type 3']);
    expect(outcome(s.number({ error: 'a count' }).min(1), 0)).toEqual([': a count']);
  });
});

describe('number checks', () => {
  const port = s.number().int().min(1).max(65535);

  it('reports bounds in zod words', () => {
    expect(outcome(port, 0)).toEqual([': Too small: expected number to be >=1']);
    expect(outcome(port, 65536)).toEqual([': Too big: expected number to be <=65535']);
    expect(outcome(s.number().positive(), 0)).toEqual([': Too small: expected number to be >0']);
    expect(outcome(s.number().nonnegative(), -1)).toEqual([': Too small: expected number to be >=0']);
    expect(outcome(port, 443)).toEqual({ value: 443 });
  });

  it('stops at a fraction, so the bounds after int() are not reported as well', () => {
    expect(outcome(port, 0.5)).toEqual([': Invalid input: expected int, received number']);
  });

  it('refuses integers past 2^53', () => {
    expect(outcome(s.number().int(), 2 ** 60)).toEqual([': Too big: expected int to be <=9007199254740991']);
    expect(outcome(s.number().int(), -(2 ** 60))).toEqual([': Too small: expected int to be >=-9007199254740991']);
  });

  it('runs every check that is not fatal, and skips them all after a wrong type', () => {
    const odd = s
      .number()
      .min(10)
      .refine((n) => n % 2 === 1, 'expected an odd number');
    expect(outcome(odd, 4)).toEqual([': Too small: expected number to be >=10', ': expected an odd number']);
    expect(outcome(odd, 'four')).toEqual([': Invalid input: expected number, received string']);
  });

  it('takes a message of its own for each check', () => {
    expect(outcome(s.number().int('whole seconds'), 1.5)).toEqual([': whole seconds']);
    expect(outcome(s.number().max(3, { message: 'at most 3' }), 4)).toEqual([': at most 3']);
  });

  it('leaves the schema it was called on as it was', () => {
    const any = s.number();
    any.min(5);
    expect(outcome(any, 1)).toEqual({ value: 1 });
  });
});

describe('literal and enum', () => {
  it('names the allowed values', () => {
    const level = s.enum(['debug', 'info']);
    expect(outcome(level, 'loud')).toEqual([': Invalid option: expected one of "debug"|"info"']);
    expect(outcome(level, 1)).toEqual([': Invalid option: expected one of "debug"|"info"']);
    expect(outcome(s.literal('v1'), 'v2')).toEqual([': Invalid input: expected "v1"']);
    expect(outcome(s.literal(3), '3')).toEqual([': Invalid input: expected 3']);
    expect(outcome(s.literal(null), null)).toEqual({ value: null });
  });

  it('infers the union of the values', () => {
    const level = s.enum(['debug', 'info']);
    expectTypeOf<Infer<typeof level>>().toEqualTypeOf<'debug' | 'info'>();
    expectTypeOf<Infer<ReturnType<typeof s.literal<true>>>>().toEqualTypeOf<true>();
    expect(level.values).toEqual(['debug', 'info']);
  });
});

describe('url', () => {
  it('takes whatever the WHATWG parser takes, trimmed', () => {
    expect(outcome(s.url(), ' http://hub:9470/api/v1/write ')).toEqual({ value: 'http://hub:9470/api/v1/write' });
    expect(outcome(s.url(), 'ftp://x')).toEqual({ value: 'ftp://x' });
    expect(outcome(s.url(), 'http://a\tb/')).toEqual({ value: 'http://ab/' });
    expect(outcome(s.url(), 'hub:9470')).toEqual({ value: 'hub:9470' }); // a scheme "hub:", as zod has it
    expect(outcome(s.url(), 'not a url')).toEqual([': Invalid URL']);
  });

  it('uses its own message for a wrong type as well as a bad URL', () => {
    const u = s.url({ error: 'expected an http(s) URL' });
    expect(outcome(u, '//x')).toEqual([': expected an http(s) URL']);
    expect(outcome(u, 80)).toEqual([': expected an http(s) URL']);
  });
});

describe('unknown', () => {
  it('takes anything, undefined too', () => {
    expect(outcome(s.unknown(), undefined)).toEqual({ value: undefined });
    expectTypeOf<Infer<ReturnType<typeof s.unknown>>>().toEqualTypeOf<unknown>();
  });
});

describe('coerce.string', () => {
  it('makes any value a string with String(), as zod does', () => {
    const text = s.coerce.string();
    expect(outcome(text, 5)).toEqual({ value: '5' });
    expect(outcome(text, null)).toEqual({ value: 'null' });
    expect(outcome(text, true)).toEqual({ value: 'true' });
    expect(outcome(text, [1, 2])).toEqual({ value: '1,2' });
    expect(outcome(s.record(s.string(), text), { a: undefined, b: {} })).toEqual({
      value: { a: 'undefined', b: '[object Object]' },
    });
  });

  it('refuses only what String() throws on', () => {
    expect(outcome(s.coerce.string(), Object.create(null))).toEqual([
      ': Invalid input: expected string, received object',
    ]);
    expect(outcome(s.coerce.string({ error: 'expected text' }), Object.create(null))).toEqual([': expected text']);
  });

  it('takes anything and gives a string', () => {
    expectTypeOf<Infer<ReturnType<typeof s.coerce.string>>>().toEqualTypeOf<string>();
    expectTypeOf<Input<ReturnType<typeof s.coerce.string>>>().toEqualTypeOf<unknown>();
  });
});
