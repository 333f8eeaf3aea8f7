/**
 * The base of our schemas: parsing, checks, and the wrappers every schema has
 * (optional, nullable, default, prefault, transform, refine). The API and the
 * messages are zod 4's (`Invalid input: expected string, received number`), so
 * a file moves from zod by changing `z.` to `s.`, and its errors read the same.
 * It exists because importing zod costs the collector 5-6 MB of RSS against an
 * 80 MB budget; all of collector/ uses it. alertmanager/ keeps zod: it takes
 * nothing from collector/ but the alert type (STYLE.md §1), and never runs in
 * the collector's process.
 */

/** A key of an object or record, or an index of an array or tuple. */
export type PathKey = string | number;

export type IssueCode =
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_format'
  | 'invalid_union'
  | 'invalid_key'
  | 'too_small'
  | 'too_big'
  | 'unrecognized_keys'
  | 'custom';

/** What is wrong and where: `path` leads from the parsed value to the bad part (empty: the value itself). */
export type Issue =
  | {
      readonly code: 'unrecognized_keys';
      readonly path: readonly PathKey[];
      readonly message: string;
      /** The keys a strict object does not know, in input order. */
      readonly keys: readonly string[];
    }
  | {
      readonly code: Exclude<IssueCode, 'unrecognized_keys'>;
      readonly path: readonly PathKey[];
      readonly message: string;
    };

/**
 * A schema's own message for the issues it raises (not those of the schemas inside it): a text, or one
 * made from the issue, e.g. `s.string({ error: (i) => `expected a path, got ${typeof i.input}` })`.
 */
export type ErrorOption = string | ((issue: { readonly code: IssueCode; readonly input: unknown }) => string);
export interface SchemaOptions {
  readonly error?: ErrorOption;
}
/** A check's message in place of its default one: `.refine(isPort, 'expected a port')` or `{ message }`. */
export type CheckMessage = string | { readonly message: string };

export interface TransformContext {
  /** Fails the parse at the value being transformed; return NEVER after it. */
  addIssue(issue: { readonly message: string; readonly code?: 'custom' }): void;
}

/** As zod's: `r.error?.issues` reads without narrowing first. */
export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T; readonly error?: never }
  | { readonly success: false; readonly data?: never; readonly error: SchemaError };

export class SchemaError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('\n'));
    this.name = 'SchemaError';
  }
}

/** What a transform returns after `ctx.addIssue`; the parse has failed, so the value is never seen. */
export const NEVER = undefined as never;

/**
 * An issue and whether it stops what would follow (zod's `continue: false`): a wrong type does, so
 * checks, transforms and refinements never see a value of the wrong type; a failed bound or
 * refinement and unknown keys do not, so the other checks still report.
 */
interface Raised {
  readonly issue: Issue;
  readonly fatal: boolean;
}
/** One parse's state, shared by the schemas it runs through. */
export interface ParseContext {
  /** The path of the value being read; composites push a key before reading it and pop it after. */
  readonly path: PathKey[];
  readonly raised: Raised[];
}

/** `test` answers undefined when the value passes. */
export interface Check<T> {
  test(value: T): { readonly code: IssueCode; readonly message: string; readonly fatal?: boolean } | undefined;
  readonly message: string | undefined;
}

export type AnySchema = Schema<unknown, unknown>;
/** The parsed type (zod's `z.infer`). */
export type Infer<S extends AnySchema> = S['_output'];
/** The type a schema accepts (zod's `z.input`): what defaults and transforms are applied to. */
export type Input<S extends AnySchema> = S['_input'];

/**
 * A schema for values of type `Out`, read from values of type `In`. Schemas are immutable: each
 * method returns a new one.
 */
export abstract class Schema<Out, In = Out> {
  /** Types only, for Infer and Input; there is no such property at run time. */
  declare readonly _output: Out;
  declare readonly _input: In;
  private checks: readonly Check<Out>[] = [];

  constructor(private readonly error?: ErrorOption) {}

  /** Reads the value's type and parts, raising issues on `ctx`; what it returns is only used if nothing was raised. */
  protected abstract read(input: unknown, ctx: ParseContext): Out;

  safeParse(input: unknown): SafeParseResult<Out> {
    const ctx: ParseContext = { path: [], raised: [] };
    const data = this.run(input, ctx);
    if (ctx.raised.length === 0) return { success: true, data };
    return { success: false, error: new SchemaError(ctx.raised.map((r) => r.issue)) };
  }

  /** For data we wrote ourselves, where a bad value is a bug: throws the SchemaError safeParse would return. */
  parse(input: unknown): Out {
    const r = this.safeParse(input);
    if (r.success) return r.data;
    throw r.error;
  }

  /** Reads `input` at `ctx.path`; for the composite schemas, which run the schemas inside them. */
  run(input: unknown, ctx: ParseContext): Out {
    const start = ctx.raised.length;
    const value = this.read(input, ctx);
    if (this.checks.length === 0 || abortedSince(ctx, start)) return value;
    for (const check of this.checks) {
      const failure = check.test(value);
      if (!failure) continue;
      const fatal = failure.fatal === true;
      raise(ctx, failure.code, check.message ?? this.ownMessage(failure.code, value) ?? failure.message, fatal);
      if (fatal) break;
    }
    return value;
  }

  /**
   * Whether an object may leave this schema's key out (zod 4's `optin`): true for optional(), default()
   * and prefault(), and for what wraps them. Any other key must be present, even when its schema takes
   * undefined (unknown(), coerce.string()).
   */
  get keyOptional(): boolean {
    return false;
  }

  optional(): Schema<Out | undefined, In | undefined> {
    return new OptionalSchema(this);
  }

  nullable(): Schema<Out | null, In | null> {
    return new NullableSchema(this);
  }

  nullish(): Schema<Out | null | undefined, In | null | undefined> {
    return new OptionalSchema(new NullableSchema(this));
  }

  /** Gives (a shallow copy of) `value` in place of undefined; `value` is not parsed. */
  default(value: Exclude<Out, undefined>): Schema<Exclude<Out, undefined>, In | undefined> {
    return new DefaultSchema(this, value);
  }

  /** Parses `value` in place of undefined, so an object's own defaults fill it: `.prefault({})`. */
  prefault(value: In): Schema<Exclude<Out, undefined>, In | undefined> {
    return new PrefaultSchema(this, value);
  }

  /** Runs `fn` on the parsed value, unless parsing raised an issue (unknown keys aside, as in zod). */
  transform<U>(fn: (value: Out, ctx: TransformContext) => U): Schema<U, In> {
    return new TransformSchema(this, fn);
  }

  /** @example s.string().refine((t) => t.includes(':'), { message: 'expected host:port' }) */
  refine(test: (value: Out) => boolean, message?: CheckMessage): this {
    return this.withCheck({
      test: (value) => (test(value) ? undefined : { code: 'custom', message: 'Invalid input' }),
      message: messageText(message),
    });
  }

  protected withCheck(check: Check<Out>): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.checks = [...this.checks, check];
    return copy;
  }

  /** Raises an issue at `ctx.path`; the schema's own message, if it has one, replaces `message`. */
  protected issue(ctx: ParseContext, code: IssueCode, input: unknown, message: string, fatal = true): void {
    raise(ctx, code, this.ownMessage(code, input) ?? message, fatal);
  }

  /** Raises an issue that stops the checks, for `return this.fail(…)` in read(). */
  protected fail(ctx: ParseContext, code: IssueCode, input: unknown, message: string): never {
    this.issue(ctx, code, input, message);
    return NEVER;
  }

  protected typeError(ctx: ParseContext, expected: string, input: unknown): never {
    return this.fail(ctx, 'invalid_type', input, `Invalid input: expected ${expected}, received ${typeName(input)}`);
  }

  private ownMessage(code: IssueCode, input: unknown): string | undefined {
    return typeof this.error === 'function' ? this.error({ code, input }) : this.error;
  }
}

export function raise(ctx: ParseContext, code: IssueCode, message: string, fatal: boolean, keys?: string[]): void {
  const path = [...ctx.path];
  const issue: Issue =
    code === 'unrecognized_keys' ? { code, path, message, keys: keys ?? [] } : { code, path, message };
  ctx.raised.push({ issue, fatal });
}

export function abortedSince(ctx: ParseContext, start: number): boolean {
  for (let i = start; i < ctx.raised.length; i++) if (ctx.raised[i]?.fatal) return true;
  return false;
}

export const messageText = (m: CheckMessage | undefined): string | undefined => (typeof m === 'object' ? m.message : m);

/** zod's name for the type of `input`: `array`, `null`, `NaN`, `Infinity`, a class name, or `typeof`. */
export function typeName(input: unknown): string {
  if (typeof input === 'number') return Number.isFinite(input) ? 'number' : String(input);
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const ctor =
    Object.getPrototypeOf(input) === Object.prototype ? undefined : (input as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'object';
}

class OptionalSchema<Out, In> extends Schema<Out | undefined, In | undefined> {
  /** `.default(x).optional()` still gives x, as zod does: optional only lets undefined through. */
  private readonly substitutes: boolean;

  constructor(private readonly inner: Schema<Out, In>) {
    super();
    this.substitutes = inner instanceof DefaultSchema || inner instanceof PrefaultSchema;
  }

  override get keyOptional(): boolean {
    return true;
  }

  protected read(input: unknown, ctx: ParseContext): Out | undefined {
    return input === undefined && !this.substitutes ? undefined : this.inner.run(input, ctx);
  }
}

class NullableSchema<Out, In> extends Schema<Out | null, In | null> {
  constructor(private readonly inner: Schema<Out, In>) {
    super();
  }

  override get keyOptional(): boolean {
    return this.inner.keyOptional;
  }

  protected read(input: unknown, ctx: ParseContext): Out | null {
    return input === null ? null : this.inner.run(input, ctx);
  }
}

class DefaultSchema<Out, In> extends Schema<Exclude<Out, undefined>, In | undefined> {
  constructor(
    private readonly inner: Schema<Out, In>,
    private readonly value: Exclude<Out, undefined>,
  ) {
    super();
  }

  override get keyOptional(): boolean {
    return true;
  }

  protected read(input: unknown, ctx: ParseContext): Exclude<Out, undefined> {
    const value = input === undefined ? undefined : this.inner.run(input, ctx);
    return value === undefined ? shallowCopy(this.value) : (value as Exclude<Out, undefined>);
  }
}

class PrefaultSchema<Out, In> extends Schema<Exclude<Out, undefined>, In | undefined> {
  constructor(
    private readonly inner: Schema<Out, In>,
    private readonly value: In,
  ) {
    super();
  }

  override get keyOptional(): boolean {
    return true;
  }

  protected read(input: unknown, ctx: ParseContext): Exclude<Out, undefined> {
    return this.inner.run(input === undefined ? shallowCopy(this.value) : input, ctx) as Exclude<Out, undefined>;
  }
}

class TransformSchema<Out, In, U> extends Schema<U, In> {
  constructor(
    private readonly inner: Schema<Out, In>,
    private readonly fn: (value: Out, ctx: TransformContext) => U,
  ) {
    super();
  }

  override get keyOptional(): boolean {
    return this.inner.keyOptional;
  }

  protected read(input: unknown, ctx: ParseContext): U {
    const start = ctx.raised.length;
    const value = this.inner.run(input, ctx);
    for (let i = start; i < ctx.raised.length; i++) if (ctx.raised[i]?.issue.code !== 'unrecognized_keys') return NEVER;
    return this.fn(value, { addIssue: ({ message }) => raise(ctx, 'custom', message, true) });
  }
}

/** Defaults are copied, so a caller that changes the `[]` or `{}` it was given does not change the next one. */
function shallowCopy<T>(value: T): T {
  if (Array.isArray(value)) return [...(value as unknown[])] as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return { ...value };
  return value;
}
