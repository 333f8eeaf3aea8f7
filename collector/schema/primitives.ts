/** Schemas for single values: string, url, number, boolean, literal and enum values, unknown, coerced strings. */
import { Schema, messageText, type CheckMessage, type ParseContext, type SchemaOptions } from './schema.js';

export type Primitive = string | number | boolean | null;

class StringSchema extends Schema<string> {
  protected read(input: unknown, ctx: ParseContext): string {
    return typeof input === 'string' ? input : this.typeError(ctx, 'string', input);
  }
}

/**
 * Any value made a string with `String()`, as zod's `z.coerce.string()` (null becomes "null",
 * undefined "undefined"); only a value `String()` throws on is refused.
 */
class CoercedStringSchema extends Schema<string, unknown> {
  /** Types only: the key stays required in an object's types, as in zod 4 (see keyOptional). */
  declare readonly _requiredKey: true;

  protected read(input: unknown, ctx: ParseContext): string {
    try {
      return String(input);
    } catch {
      return this.typeError(ctx, 'string', input); // Object.create(null), or a toString that throws
    }
  }
}

/**
 * A string `new URL` accepts, of any protocol (as zod's `z.url()`), trimmed. Only the
 * WHATWG parser decides; a caller that needs http(s) checks the protocol itself.
 */
class UrlSchema extends Schema<string> {
  protected read(input: unknown, ctx: ParseContext): string {
    if (typeof input !== 'string') return this.typeError(ctx, 'string', input);
    const trimmed = input.trim();
    if (!URL.canParse(trimmed)) {
      this.issue(ctx, 'invalid_format', input, 'Invalid URL', false);
      return input;
    }
    // The URL parser drops tabs and newlines before parsing; so does the value we hand on.
    return trimmed.replace(/[\t\n\r]/g, '');
  }
}

class NumberSchema extends Schema<number> {
  protected read(input: unknown, ctx: ParseContext): number {
    return typeof input === 'number' && Number.isFinite(input) ? input : this.typeError(ctx, 'number', input);
  }

  /** A safe integer; a fraction fails before any later check runs. */
  int(message?: CheckMessage): this {
    return this.withCheck({
      test: (n) => {
        if (!Number.isInteger(n))
          return { code: 'invalid_type', message: 'Invalid input: expected int, received number', fatal: true };
        if (Number.isSafeInteger(n)) return undefined;
        return n > 0
          ? { code: 'too_big', message: `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` }
          : { code: 'too_small', message: `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}` };
      },
      message: messageText(message),
    });
  }

  min(minimum: number, message?: CheckMessage): this {
    return this.bound((n) => n >= minimum, 'too_small', `>=${minimum}`, message);
  }

  max(maximum: number, message?: CheckMessage): this {
    return this.bound((n) => n <= maximum, 'too_big', `<=${maximum}`, message);
  }

  positive(message?: CheckMessage): this {
    return this.bound((n) => n > 0, 'too_small', '>0', message);
  }

  nonnegative(message?: CheckMessage): this {
    return this.bound((n) => n >= 0, 'too_small', '>=0', message);
  }

  private bound(
    ok: (n: number) => boolean,
    code: 'too_small' | 'too_big',
    limit: string,
    message?: CheckMessage,
  ): this {
    const text = `${code === 'too_small' ? 'Too small' : 'Too big'}: expected number to be ${limit}`;
    return this.withCheck({
      test: (n) => (ok(n) ? undefined : { code, message: text }),
      message: messageText(message),
    });
  }
}

class BooleanSchema extends Schema<boolean> {
  protected read(input: unknown, ctx: ParseContext): boolean {
    return typeof input === 'boolean' ? input : this.typeError(ctx, 'boolean', input);
  }
}

/** One of a fixed set of values, compared with SameValueZero. */
class ValuesSchema<T extends Primitive> extends Schema<T> {
  private readonly allowed: ReadonlySet<unknown>;

  constructor(
    readonly values: readonly T[],
    options?: SchemaOptions,
  ) {
    super(options?.error);
    this.allowed = new Set(values);
  }

  protected read(input: unknown, ctx: ParseContext): T {
    if (this.allowed.has(input)) return input as T;
    const [only] = this.values;
    const message =
      this.values.length === 1
        ? `Invalid input: expected ${show(only)}`
        : `Invalid option: expected one of ${this.values.map(show).join('|')}`;
    return this.fail(ctx, 'invalid_value', input, message);
  }
}

const show = (v: Primitive | undefined): string => (typeof v === 'string' ? `"${v}"` : String(v));

class UnknownSchema extends Schema<unknown> {
  /** Types only: the key stays required in an object's types, as in zod 4 (see keyOptional). */
  declare readonly _requiredKey: true;

  protected read(input: unknown): unknown {
    return input;
  }
}

export const string = (options?: SchemaOptions) => new StringSchema(options?.error);
export const url = (options?: SchemaOptions) => new UrlSchema(options?.error);
export const number = (options?: SchemaOptions) => new NumberSchema(options?.error);
export const boolean = (options?: SchemaOptions) => new BooleanSchema(options?.error);
export const unknown = () => new UnknownSchema();
/** @example s.coerce.string() */
export const coerceString = (options?: SchemaOptions) => new CoercedStringSchema(options?.error);
export const literal = <const T extends Primitive>(value: T, options?: SchemaOptions) =>
  new ValuesSchema<T>([value], options);
/** @example s.enum(['debug', 'info', 'warn', 'error']) */
export const enumOf = <const T extends readonly [string, ...string[]]>(values: T, options?: SchemaOptions) =>
  new ValuesSchema<T[number]>(values, options);
