import { describe, expect, expectTypeOf, it } from 'vitest';
import { NEVER, s, type AnySchema, type Infer, type Input } from './index.js';

function outcome(schema: AnySchema, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data } : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const Container = s.object({
  name: s.string(),
  ports: s.array(s.object({ containerPort: s.number().int(), protocol: s.string().default('TCP') })).nullish(),
});
const Pod = s.object({
  metadata: s.object({ name: s.string(), labels: s.record(s.string(), s.string()).optional() }),
  containers: s.array(Container),
});

describe('object', () => {
  it('drops keys it does not know and keeps the shape order', () => {
    const r = Pod.safeParse({ extra: 1, containers: [], metadata: { uid: 'u', name: 'a' } });
    expect(r.success && JSON.stringify(r.data)).toBe('{"metadata":{"name":"a"},"containers":[]}');
  });

  it('leaves an absent optional key absent, and fills a defaulted one', () => {
    const r = Container.safeParse({ name: 'c', ports: [{ containerPort: 80 }] });
    expect(r.success && r.data).toStrictEqual({ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    const present = s.object({ a: s.string().optional() }).safeParse({ a: undefined });
    expect(present.success && 'a' in present.data).toBe(true);
  });

  it('wants a key present unless optional(), default() or prefault() let it be left out, as zod 4 does', () => {
    const Event = s.object({ type: s.string(), object: s.unknown() });
    expect(outcome(Event, { type: 'ADDED' })).toEqual([
      'object: Invalid input: expected nonoptional, received undefined',
    ]);
    expect(outcome(Event, { type: 'ADDED', object: undefined })).toEqual({
      value: { type: 'ADDED', object: undefined },
    });
    const items = s
      .array(s.unknown())
      .nullish()
      .transform((v) => v ?? []);
    const mayGo = s.object({
      a: s.unknown().optional(),
      b: s.unknown().default(1),
      c: s.object({ d: s.number().default(2) }).prefault({}),
      items,
      e: s.union([s.string(), s.number().optional()]),
    });
    expect(outcome(mayGo, {})).toEqual({ value: { b: 1, c: { d: 2 }, items: [] } });
    const checked = s.unknown().refine((v) => v !== 0);
    expect(outcome(s.object({ v: checked }), {})).toEqual([
      'v: Invalid input: expected nonoptional, received undefined',
    ]);
  });

  it('reports an absent key once, in the words of its own schema when that refuses undefined', () => {
    const Sample = s.object({
      labels: s.string(),
      value: s.unknown().transform((v, ctx) => {
        if (typeof v === 'number') return v;
        ctx.addIssue({ message: `expected a number, got ${String(v)}` });
        return NEVER;
      }),
    });
    expect(outcome(Sample, {})).toEqual([
      'labels: Invalid input: expected string, received undefined',
      'value: expected a number, got undefined',
    ]);
  });

  it('types the key of unknown() as required, and that of unknown().optional() as optional', () => {
    const Event = s.object({ object: s.unknown(), extra: s.unknown().optional(), text: s.coerce.string() });
    expect(outcome(Event, { object: null, text: 5 })).toEqual({ value: { object: null, text: '5' } });
    expectTypeOf<Infer<typeof Event>>().toEqualTypeOf<{ object: unknown; extra?: unknown; text: string }>();
    expectTypeOf<Input<typeof Event>>().toEqualTypeOf<{ object: unknown; extra?: unknown; text: unknown }>();
  });

  it('gives every issue with its path through objects and arrays', () => {
    const input = {
      metadata: { name: 7, labels: { app: 'x', tier: 2 } },
      containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: '80' }] }, { ports: null }, 'c'],
    };
    expect(outcome(Pod, input)).toEqual([
      'metadata.name: Invalid input: expected string, received number',
      'metadata.labels.tier: Invalid input: expected string, received number',
      'containers.0.ports.1.containerPort: Invalid input: expected number, received string',
      'containers.1.name: Invalid input: expected string, received undefined',
      'containers.2: Invalid input: expected object, received string',
    ]);
    const issue = Pod.safeParse(input).error?.issues[2];
    expect(issue?.path).toEqual(['containers', 0, 'ports', 1, 'containerPort']);
  });

  it('refuses what is not an object', () => {
    expect(outcome(Pod, [])).toEqual([': Invalid input: expected object, received array']);
    expect(outcome(Pod, null)).toEqual([': Invalid input: expected object, received null']);
  });

  it('infers optional keys for optional schemas, and input keys for defaulted ones', () => {
    type Out = Infer<typeof Container>;
    expectTypeOf<Out>().toEqualTypeOf<{
      name: string;
      ports?: { containerPort: number; protocol: string }[] | null | undefined;
    }>();
    expectTypeOf<Input<typeof Container>>().toEqualTypeOf<{
      name: string;
      ports?: { containerPort: number; protocol?: string | undefined }[] | null | undefined;
    }>();
    expectTypeOf(Container.shape.name).toEqualTypeOf<ReturnType<typeof s.string>>();
  });
});

describe('strictObject', () => {
  const Log = s.strictObject({ level: s.enum(['info', 'warn']).default('info') });
  const Config = s.strictObject({ log: Log.prefault({}), dataDir: s.string().optional() });

  it('names the unknown keys on the object that holds them', () => {
    const r = Config.safeParse({ log: { colour: 'red', level: 'info' } });
    expect(r.success ? [] : r.error.issues).toEqual([
      { code: 'unrecognized_keys', path: ['log'], keys: ['colour'], message: 'Unrecognized key: "colour"' },
    ]);
    expect(outcome(Config, { a: 1, b: 2 })).toEqual([': Unrecognized keys: "a", "b"']);
  });

  it('still reports the known keys first', () => {
    expect(outcome(Config, { x: 1, log: { level: 'loud' } })).toEqual([
      'log.level: Invalid option: expected one of "info"|"warn"',
      ': Unrecognized key: "x"',
    ]);
  });

  it('lets checks and transforms run past unknown keys, which say nothing about the known values', () => {
    const counted = Log.transform((l) => l.level.length).refine((n) => n > 10, 'too short');
    expect(outcome(counted, { level: 'warn', x: 1 })).toEqual([': Unrecognized key: "x"', ': too short']);
  });
});

describe('looseObject', () => {
  const Stats = s.looseObject({ numSamples: s.number().int().optional() });
  const Meta = s.looseObject({ ulid: s.string(), stats: Stats.default({}), version: s.literal(1) });

  it('keeps the keys it does not know, unchecked, after its own in input order', () => {
    const r = Meta.safeParse({ thanos: { labels: {} }, version: 1, ulid: 'u', stats: { numSeries: 2 }, z: null });
    expect(r.success && JSON.stringify(r.data)).toBe(
      '{"ulid":"u","stats":{"numSeries":2},"version":1,"thanos":{"labels":{}},"z":null}',
    );
    expect(outcome(Meta, { ulid: 'u', version: 1 })).toEqual({ value: { ulid: 'u', stats: {}, version: 1 } });
  });

  it('checks its own keys as object() does, and never copies __proto__', () => {
    expect(outcome(Meta, { ulid: 1, version: 2, other: 'x' })).toEqual([
      'ulid: Invalid input: expected string, received number',
      'version: Invalid input: expected 1',
    ]);
    expect(outcome(Meta, [])).toEqual([': Invalid input: expected object, received array']);
    const r = Meta.safeParse(JSON.parse('{"__proto__": {"polluted": "yes"}, "ulid": "u", "version": 1, "a": 2}'));
    expect(r.success && Object.getPrototypeOf(r.data)).toBe(Object.prototype);
    expect(r.success && r.data).toEqual({ ulid: 'u', stats: {}, version: 1, a: 2 });
  });

  it('types the other keys as unknown, as zod does', () => {
    expectTypeOf<Infer<typeof Meta>>().toEqualTypeOf<{
      [key: string]: unknown;
      ulid: string;
      stats: { [key: string]: unknown; numSamples?: number | undefined };
      version: 1;
    }>();
    expectTypeOf<Input<typeof Stats>>().toEqualTypeOf<{ [key: string]: unknown; numSamples?: number | undefined }>();
  });
});

describe('array', () => {
  it('checks each element and infers an array of the element type', () => {
    const names = s.array(s.string());
    expect(outcome(names, ['a', 1, 'c', null])).toEqual([
      '1: Invalid input: expected string, received number',
      '3: Invalid input: expected string, received null',
    ]);
    expect(outcome(names, 'a')).toEqual([': Invalid input: expected array, received string']);
    expectTypeOf<Infer<typeof names>>().toEqualTypeOf<string[]>();
  });
});

describe('tuple', () => {
  const pair = s.tuple([s.number().int(), s.string()]);

  it('takes exactly its items, each at its index', () => {
    expect(outcome(pair, [1, 'a'])).toEqual({ value: [1, 'a'] });
    expect(outcome(pair, [1.5, 2])).toEqual([
      '0: Invalid input: expected int, received number',
      '1: Invalid input: expected string, received number',
    ]);
    expect(outcome(pair, [1])).toEqual([': Too small: expected array to have >=2 items']);
    expect(outcome(pair, [1, 2, 3])).toEqual([
      ': Too big: expected array to have <=2 items',
      '1: Invalid input: expected string, received number',
    ]);
    expect(outcome(pair, {})).toEqual([': Invalid input: expected tuple, received object']);
  });

  it('infers a tuple type', () => {
    expectTypeOf<Infer<typeof pair>>().toEqualTypeOf<[number, string]>();
  });
});

describe('record', () => {
  const labels = s.record(s.string(), s.string());

  it('checks every value under its key', () => {
    expect(outcome(labels, { app: 'x', 'app.kubernetes.io/part-of': 'y' })).toEqual({
      value: { app: 'x', 'app.kubernetes.io/part-of': 'y' },
    });
    expect(outcome(labels, { a: 'x', b: false })).toEqual(['b: Invalid input: expected string, received boolean']);
    expectTypeOf<Infer<typeof labels>>().toEqualTypeOf<Record<string, string>>();
  });

  it('takes only plain objects', () => {
    expect(outcome(labels, ['x'])).toEqual([': Invalid input: expected record, received array']);
    expect(outcome(labels, new Map())).toEqual([': Invalid input: expected record, received Map']);
    expect(outcome(labels, Object.create(null))).toEqual({ value: {} });
  });

  it('reports a key its key schema refuses, and never copies __proto__', () => {
    const lower = s.record(
      s.string().refine((k) => k === k.toLowerCase()),
      s.number(),
    );
    expect(outcome(lower, { a: 1, B: 2 })).toEqual(['B: Invalid key in record']);
    const r = labels.safeParse(JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "b"}'));
    expect(r.success && Object.getPrototypeOf(r.data)).toBe(Object.prototype);
    expect(r.success && r.data).toEqual({ a: 'b' });
  });
});

describe('union', () => {
  const stringOrNumber = s.union([s.string(), s.number()]);

  it('gives the first option that fits', () => {
    expect(outcome(stringOrNumber, 3)).toEqual({ value: 3 });
    expect(outcome(s.union([s.number().transform(String), s.number()]), 3)).toEqual({ value: '3' });
    expectTypeOf<Infer<typeof stringOrNumber>>().toEqualTypeOf<string | number>();
  });

  it('says only "Invalid input" when no option has the right type', () => {
    expect(outcome(stringOrNumber, true)).toEqual([': Invalid input']);
    expect(stringOrNumber.safeParse(true).error?.issues[0]?.code).toBe('invalid_union');
  });

  it('reports the issues of the one option whose type fitted', () => {
    const portOrName = s.union([s.number().int().min(1), s.enum(['http', 'https'])]);
    expect(outcome(portOrName, 0)).toEqual([': Too small: expected number to be >=1']);
    expect(outcome(portOrName, 'ftp')).toEqual([': Invalid input']);
  });

  it('keeps the path of the value inside an object', () => {
    const o = s.object({ a: s.array(stringOrNumber) });
    expect(outcome(o, { a: ['x', null] })).toEqual(['a.1: Invalid input']);
  });
});
