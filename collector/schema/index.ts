/**
 * Schemas that narrow `unknown` at a boundary and infer their types: a zod-like subset with zod 4's
 * messages, without zod's memory cost (see schema.ts).
 *
 * @example
 * import { s, type Infer } from '../schema/index.js';
 * const Port = s.strictObject({ name: s.string().optional(), containerPort: s.number().int().min(1).max(65535) });
 * type Port = Infer<typeof Port>;
 * const r = Port.safeParse(JSON.parse(text));
 * if (!r.success) for (const i of r.error.issues) console.log(`${i.path.join('.')}: ${i.message}`);
 */
import { array, looseObject, object, record, strictObject, tuple, union } from './composites.js';
import { boolean, coerceString, enumOf, literal, number, string, unknown, url } from './primitives.js';

/** The schema builders, under the names zod gives them (`z.string()` → `s.string()`). */
export const s = {
  string,
  url,
  number,
  boolean,
  literal,
  enum: enumOf,
  unknown,
  array,
  tuple,
  record,
  object,
  strictObject,
  looseObject,
  union,
  /** `s.coerce.string()`: any value through `String()`. */
  coerce: { string: coerceString },
} as const;

export { NEVER, Schema, SchemaError } from './schema.js';
export { prettifyError } from './prettify-error.js';
export type {
  AnySchema,
  CheckMessage,
  ErrorOption,
  Infer,
  Input,
  Issue,
  IssueCode,
  PathKey,
  SafeParseResult,
  SchemaOptions,
  TransformContext,
} from './schema.js';
export type { ObjectInput, ObjectOutput, ObjectSchema, Shape, UnknownKeys } from './composites.js';
export type { Primitive } from './primitives.js';
