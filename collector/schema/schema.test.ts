import { describe, expect, expectTypeOf, it } from 'vitest';
import { NEVER, s, SchemaError, type AnySchema, type Infer, type Input } from './index.js';

function outcome(schema: AnySchema, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data } : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('optional, nullable, nullish', () => {
  it('let through only the value they name', () => {
    expect(outcome(s.string().optional(), undefined)).toEqual({ value: undefined });
    expect(outcome(s.string().optional(), null)).toEqual([': Invalid input: expected string, received null']);
    expect(outcome(s.string().nullable(), null)).toEqual({ value: null });
    expect(outcome(s.string().nullable(), undefined)).toEqual([': Invalid input: expected string, received undefined']);
    expect(outcome(s.string().nullish(), null)).toEqual({ value: null });
    expect(outcome(s.string().nullish(), undefined)).toEqual({ value: undefined });
    expect(outcome(s.string().nullish(), 1)).toEqual([': Invalid input: expected string, received number']);
  });

  it('widen the types', () => {
    expectTypeOf<Infer<ReturnType<ReturnType<typeof s.string>['nullish']>>>().toEqualTypeOf<
      string | null | undefined
    >();
  });
});

describe('default', () => {
  const listen = s.string().default('127.0.0.1:9470');

  it('stands in for undefined only, unparsed', () => {
    expect(outcome(listen, undefined)).toEqual({ value: '127.0.0.1:9470' });
    expect(outcome(listen, null)).toEqual([': Invalid input: expected string, received null']);
    expect(outcome(s.number().min(10).default(0), undefined)).toEqual({ value: 0 });
  });

  it('gives a fresh copy of an array or object default each time', () => {
    const files = s.array(s.string()).default([]);
    const first = files.parse(undefined);
    first.push('mutated');
    expect(files.parse(undefined)).toEqual([]);
  });

  it('is kept by a later optional()', () => {
    expect(outcome(listen.optional(), undefined)).toEqual({ value: '127.0.0.1:9470' });
  });

  it('makes the key optional in the input type only', () => {
    const o = s.object({ listen });
    expect(o.parse({})).toEqual({ listen: '127.0.0.1:9470' });
    expectTypeOf<Infer<typeof o>>().toEqualTypeOf<{ listen: string }>();
    expectTypeOf<Input<typeof o>>().toEqualTypeOf<{ listen?: string | undefined }>();
  });
});

describe('prefault', () => {
  it('parses its value, so the defaults inside fill it', () => {
    const log = s.strictObject({ level: s.enum(['info', 'warn']).default('info') }).prefault({});
    expect(outcome(log, undefined)).toEqual({ value: { level: 'info' } });
    expect(outcome(log, { level: 'warn' })).toEqual({ value: { level: 'warn' } });
    expectTypeOf<Infer<typeof log>>().toEqualTypeOf<{ level: 'info' | 'warn' }>();
  });
});

describe('transform', () => {
  const seconds = s.union([s.string(), s.number()]).transform((raw, ctx) => {
    const n = typeof raw === 'number' ? raw : Number(raw.replace(/s$/, ''));
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `expected seconds, got ${JSON.stringify(raw)}` });
      return NEVER;
    }
    return n * 1000;
  });

  it('maps the parsed value, and its issues land where the value is', () => {
    expect(outcome(seconds, '15s')).toEqual({ value: 15_000 });
    expect(outcome(s.object({ timeout: seconds }), { timeout: 'soon' })).toEqual([
      'timeout: expected seconds, got "soon"',
    ]);
  });

  it('does not run on a value that failed', () => {
    let calls = 0;
    const t = s.string().transform((v) => {
      calls++;
      return v.length;
    });
    expect(outcome(t, 5)).toEqual([': Invalid input: expected string, received number']);
    expect(calls).toBe(0);
  });

  it('changes the output type but not the input type', () => {
    expectTypeOf<Infer<typeof seconds>>().toEqualTypeOf<number>();
    expectTypeOf<Input<typeof seconds>>().toEqualTypeOf<string | number>();
  });
});

describe('refine', () => {
  it('adds a check with a message, at the path of the value', () => {
    const hostPort = s.string().refine((v) => /:\d+$/.test(v), { message: 'expected host:port' });
    expect(outcome(s.object({ listen: hostPort }), { listen: 'localhost' })).toEqual(['listen: expected host:port']);
    expect(
      outcome(
        s.string().refine((v) => v !== ''),
        '',
      ),
    ).toEqual([': Invalid input']);
    expect(hostPort.safeParse('x').error?.issues[0]?.code).toBe('custom');
  });

  it('keeps the methods of the schema it refines', () => {
    const even = s.number().refine((n) => n % 2 === 0, 'expected an even number');
    expect(outcome(even.min(4), 2)).toEqual([': Too small: expected number to be >=4']);
  });
});

describe('safeParse and parse', () => {
  const o = s.object({ a: s.number(), b: s.object({ c: s.string() }) });

  it('gives the data, or every issue', () => {
    expect(o.safeParse({ a: 1, b: { c: 'x' } })).toEqual({ success: true, data: { a: 1, b: { c: 'x' } } });
    const r = o.safeParse({ a: 'x', b: {} });
    expect(r.success).toBe(false);
    expect(r.error).toBeInstanceOf(SchemaError);
    expect(r.error?.issues.map((i) => i.path)).toEqual([['a'], ['b', 'c']]);
  });

  it('parse throws a SchemaError naming each issue', () => {
    expect(() => o.parse({ a: 'x', b: 1 })).toThrow(
      new SchemaError([
        { code: 'invalid_type', path: ['a'], message: 'Invalid input: expected number, received string' },
        { code: 'invalid_type', path: ['b'], message: 'Invalid input: expected object, received number' },
      ]),
    );
    expect(() => o.parse(null)).toThrow('Invalid input: expected object, received null');
    try {
      o.parse({ a: 'x', b: 1 });
    } catch (e) {
      expect((e as Error).message).toBe(
        'a: Invalid input: expected number, received string\nb: Invalid input: expected object, received number',
      );
    }
  });
});
