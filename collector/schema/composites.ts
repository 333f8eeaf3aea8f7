/**
 * Schemas made of other schemas: array, tuple, record, object (stripping, strict or loose) and union.
 * The issues of the parts carry the part's key or index in their path.
 */
import { raise, Schema, type AnySchema, type ParseContext, type SchemaOptions } from './schema.js';

export type Shape = Readonly<Record<string, AnySchema>>;
/** What an object does with the keys its shape does not name: drops them, refuses them, or keeps them. */
export type UnknownKeys = 'strip' | 'strict' | 'loose';
type Flatten<T> = { [K in keyof T]: T[K] } & {};
/**
 * A key whose schema accepts (or gives) undefined may be absent, as in zod; but not the key of a
 * schema marked `_requiredKey` (unknown(), coerce.string()), which zod 4 wants present.
 */
type MayBeAbsent<T extends AnySchema, F extends '_output' | '_input'> = T extends { readonly _requiredKey: true }
  ? false
  : undefined extends T[F]
    ? true
    : false;
/** A loose object's other keys, typed as zod types them. */
type OtherKeys<M extends UnknownKeys> = M extends 'loose' ? { [key: string]: unknown } : unknown;
type WithOptionalKeys<S extends Shape, F extends '_output' | '_input', M extends UnknownKeys> = Flatten<
  { -readonly [K in keyof S as MayBeAbsent<S[K], F> extends true ? never : K]: S[K][F] } & {
    -readonly [K in keyof S as MayBeAbsent<S[K], F> extends true ? K : never]?: S[K][F];
  } & OtherKeys<M>
>;
export type ObjectOutput<S extends Shape, M extends UnknownKeys = 'strip'> = WithOptionalKeys<S, '_output', M>;
export type ObjectInput<S extends Shape, M extends UnknownKeys = 'strip'> = WithOptionalKeys<S, '_input', M>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod 4's words for a key that is absent but not optional. */
const NONOPTIONAL = 'Invalid input: expected nonoptional, received undefined';

/**
 * Keys in `shape` order, then (loose) the other keys in input order. An absent key stays absent
 * unless its schema gives a value (a default); as in zod 4, only optional(), default() and prefault()
 * may leave a key out, so an absent unknown() key is an issue although unknown() takes undefined.
 */
export class ObjectSchema<S extends Shape, M extends UnknownKeys = UnknownKeys> extends Schema<
  ObjectOutput<S, M>,
  ObjectInput<S, M>
> {
  private readonly keys: readonly string[];

  constructor(
    readonly shape: S,
    /** strict: unknown keys are an issue (`unrecognized_keys`); loose: they are kept unchecked. */
    private readonly unknownKeys: M,
    options?: SchemaOptions,
  ) {
    super(options?.error);
    this.keys = Object.keys(shape);
  }

  protected read(input: unknown, ctx: ParseContext): ObjectOutput<S, M> {
    if (!isObject(input)) return this.typeError(ctx, 'object', input);
    const out: Record<string, unknown> = {};
    for (const key of this.keys) {
      const schema = this.shape[key] as AnySchema;
      const present = key in input;
      ctx.path.push(key);
      const start = ctx.raised.length;
      const value = schema.run(input[key], ctx);
      if (!present && !schema.keyOptional) {
        if (ctx.raised.length === start) raise(ctx, 'invalid_type', NONOPTIONAL, true);
      } else if (value !== undefined || present) out[key] = value;
      ctx.path.pop();
    }
    if (this.unknownKeys === 'strip') return out as ObjectOutput<S, M>;
    const others = Object.keys(input).filter((k) => !Object.hasOwn(this.shape, k));
    if (this.unknownKeys === 'loose') {
      // JSON.parse makes __proto__ an own key; assigning it would set out's prototype.
      for (const key of others) if (key !== '__proto__') out[key] = input[key];
    } else if (others.length > 0) {
      const list = others.map((k) => `"${k}"`).join(', ');
      // Unknown keys do not stop checks or transforms: they say nothing about the known values.
      raise(ctx, 'unrecognized_keys', `Unrecognized key${others.length > 1 ? 's' : ''}: ${list}`, false, others);
    }
    return out as ObjectOutput<S, M>;
  }
}

class ArraySchema<E extends AnySchema> extends Schema<E['_output'][], E['_input'][]> {
  constructor(
    private readonly element: E,
    options?: SchemaOptions,
  ) {
    super(options?.error);
  }

  protected read(input: unknown, ctx: ParseContext): E['_output'][] {
    if (!Array.isArray(input)) return this.typeError(ctx, 'array', input);
    const out: unknown[] = new Array(input.length);
    for (let i = 0; i < input.length; i++) {
      ctx.path.push(i);
      out[i] = this.element.run(input[i], ctx);
      ctx.path.pop();
    }
    return out;
  }
}

type TupleOf<T extends readonly AnySchema[], F extends '_output' | '_input'> = { -readonly [K in keyof T]: T[K][F] };

/** Exactly `items.length` elements; none of them may be left out. */
class TupleSchema<T extends readonly AnySchema[]> extends Schema<TupleOf<T, '_output'>, TupleOf<T, '_input'>> {
  constructor(
    private readonly items: T,
    options?: SchemaOptions,
  ) {
    super(options?.error);
  }

  protected read(input: unknown, ctx: ParseContext): TupleOf<T, '_output'> {
    if (!Array.isArray(input)) return this.typeError(ctx, 'tuple', input);
    const n = this.items.length;
    if (input.length < n) return this.fail(ctx, 'too_small', input, `Too small: expected array to have >=${n} items`);
    if (input.length > n) this.issue(ctx, 'too_big', input, `Too big: expected array to have <=${n} items`);
    const out = this.items.map((item, i) => {
      ctx.path.push(i);
      const value = item.run(input[i], ctx);
      ctx.path.pop();
      return value;
    });
    return out as TupleOf<T, '_output'>;
  }
}

/** A plain object whose every key passes `key` and every value passes `value`. */
class RecordSchema<V extends AnySchema> extends Schema<Record<string, V['_output']>, Record<string, V['_input']>> {
  constructor(
    private readonly key: Schema<string, string>,
    private readonly value: V,
    options?: SchemaOptions,
  ) {
    super(options?.error);
  }

  protected read(input: unknown, ctx: ParseContext): Record<string, V['_output']> {
    const proto: unknown = isObject(input) ? Object.getPrototypeOf(input) : undefined;
    if (proto !== Object.prototype && proto !== null) return this.typeError(ctx, 'record', input);
    const entries = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(entries)) {
      if (key === '__proto__') continue; // JSON.parse makes it an own key; assigning it would set out's prototype
      ctx.path.push(key);
      const keyCtx: ParseContext = { path: ctx.path, raised: [] };
      const outKey = this.key.run(key, keyCtx);
      if (keyCtx.raised.length > 0) raise(ctx, 'invalid_key', 'Invalid key in record', true);
      else out[outKey] = this.value.run(entries[key], ctx);
      ctx.path.pop();
    }
    return out;
  }
}

/**
 * The first option that parses without an issue. When none does, the issues of the one option
 * that failed only its checks (not its type), or else `Invalid input`.
 */
class UnionSchema<T extends readonly AnySchema[]> extends Schema<T[number]['_output'], T[number]['_input']> {
  constructor(
    private readonly options: T,
    options_?: SchemaOptions,
  ) {
    super(options_?.error);
  }

  /** As zod's: the key may be left out if one of the options may. */
  override get keyOptional(): boolean {
    return this.options.some((o) => o.keyOptional);
  }

  protected read(input: unknown, ctx: ParseContext): T[number]['_output'] {
    const tries: { value: unknown; ctx: ParseContext }[] = [];
    for (const option of this.options) {
      const own: ParseContext = { path: ctx.path, raised: [] };
      const value = option.run(input, own);
      if (own.raised.length === 0) return value;
      tries.push({ value, ctx: own });
    }
    const close = tries.filter((t) => t.ctx.raised.every((r) => !r.fatal));
    const [only] = close;
    if (only && close.length === 1) {
      ctx.raised.push(...only.ctx.raised);
      return only.value;
    }
    return this.fail(ctx, 'invalid_union', input, 'Invalid input');
  }
}

export const object = <S extends Shape>(shape: S, options?: SchemaOptions) => new ObjectSchema(shape, 'strip', options);
/** An object that may hold no keys but `shape`'s. */
export const strictObject = <S extends Shape>(shape: S, options?: SchemaOptions) =>
  new ObjectSchema(shape, 'strict', options);
/**
 * An object whose other keys are kept as they are, for a file we rewrite without knowing all of it.
 * @example s.looseObject({ ulid: s.string(), version: s.literal(1) })
 */
export const looseObject = <S extends Shape>(shape: S, options?: SchemaOptions) =>
  new ObjectSchema(shape, 'loose', options);
export const array = <E extends AnySchema>(element: E, options?: SchemaOptions) => new ArraySchema(element, options);
export const tuple = <const T extends readonly AnySchema[]>(items: T, options?: SchemaOptions) =>
  new TupleSchema(items, options);
/** @example s.record(s.string(), s.string()) */
export const record = <V extends AnySchema>(key: Schema<string, string>, value: V, options?: SchemaOptions) =>
  new RecordSchema(key, value, options);
export const union = <const T extends readonly AnySchema[]>(options: T, options_?: SchemaOptions) =>
  new UnionSchema(options, options_);
