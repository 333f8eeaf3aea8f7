/**
 * A small decoder with go-yaml v2 `UnmarshalStrict` semantics, which is what
 * Alertmanager's config loader uses:
 *  - unknown fields, duplicate fields and type mismatches are collected and
 *    reported together as `yaml: unmarshal errors:\n  line N: ...`;
 *  - a validation error raised by a type's own check (Go's UnmarshalYAML)
 *    stops decoding at once and is reported alone;
 *  - a type whose fields had type errors skips its own checks, and so do its
 *    parents, exactly as the errors propagate in Go;
 *  - a null value leaves the field unset and runs no checks at all.
 */
import type { YNode } from './yaml-node.js';
import { yamlBool } from './yaml-node.js';

/** A validation failure; its message is what Alertmanager prints. */
export class ConfigFail extends Error {
  override readonly name = 'ConfigFail';
  /** 1-based line of the YAML node the failure is about, when known. */
  line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}

/** Runs `check`, pinning a failure without a line to `line`. */
export function atLine<T>(line: number, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ConfigFail && e.line === undefined) e.line = line;
    throw e;
  }
}

/** Decodes one YAML node into a value; undefined means null (unset). */
export type FieldDecoder<T> = (d: Decoder, n: YNode) => T | undefined;
export type FieldSpec = Readonly<Record<string, FieldDecoder<unknown>>>;
export type Decoded<S extends FieldSpec> = {
  -readonly [K in keyof S]?: S[K] extends FieldDecoder<infer T> ? T : never;
};

export const isNull = (n: YNode): boolean => n.kind === 'scalar' && n.tag === '!!null';

export class Decoder {
  readonly typeErrors: string[] = [];
  /** Where each decoded mapping started, so later checks can name a line too. */
  readonly lines = new WeakMap<object, number>();

  lineOf(value: object | undefined): number | undefined {
    return value === undefined ? undefined : this.lines.get(value);
  }

  /** Records go-yaml's "cannot unmarshal" error for `n` decoded into Go type `into`. */
  mismatch(n: YNode, into: string): void {
    let shown = '';
    if (n.kind === 'scalar') shown = n.value.length > 10 ? ` \`${n.value.slice(0, 7)}...\`` : ` \`${n.value}\``;
    const tag = n.kind === 'scalar' ? n.tag : n.kind === 'map' ? '!!map' : '!!seq';
    this.typeErrors.push(`line ${n.line}: cannot unmarshal ${tag}${shown} into ${into}`);
  }

  /** Runs `decode` and tells whether it added type errors (then Go skips the type's checks). */
  clean(decode: () => void): boolean {
    const before = this.typeErrors.length;
    decode();
    return this.typeErrors.length === before;
  }

  /**
   * Decodes a mapping into the fields of `spec`. `typeName` is the Go type
   * named in errors (`config.plain` for Alertmanager's own structs).
   */
  fields<S extends FieldSpec>(n: YNode, typeName: string, spec: S): Decoded<S> {
    const out: Record<string, unknown> = {};
    if (n.kind !== 'map') {
      this.mismatch(n, typeName);
      return out as Decoded<S>;
    }
    const seen = new Set<string>();
    for (const { key, value } of n.pairs) {
      const name = key.kind === 'scalar' ? key.value : '';
      const dec = Object.hasOwn(spec, name) ? spec[name] : undefined;
      if (!dec) {
        this.typeErrors.push(`line ${key.line}: field ${name} not found in type ${typeName}`);
        continue;
      }
      if (seen.has(name)) {
        this.typeErrors.push(`line ${key.line}: field ${name} already set in type ${typeName}`);
        continue;
      }
      seen.add(name);
      const v = atLine(value.line, () => dec(this, value));
      if (v !== undefined) out[name] = v;
    }
    this.lines.set(out, n.line);
    return out as Decoded<S>;
  }
}

/** A Go struct without checks of its own (no UnmarshalYAML): just its fields. */
export const plainStruct =
  <S extends FieldSpec>(typeName: string, spec: S): FieldDecoder<Decoded<S>> =>
  (d, n) =>
    isNull(n) ? undefined : d.fields(n, typeName, spec);

// ---- scalar and collection decoders -------------------------------------------------

export const str: FieldDecoder<string> = (d, n) => {
  if (isNull(n)) return undefined;
  if (n.kind !== 'scalar') {
    d.mismatch(n, 'string');
    return undefined;
  }
  return n.value;
};

export const bool: FieldDecoder<boolean> = (d, n) => {
  if (isNull(n)) return undefined;
  const b = yamlBool(n);
  if (b === undefined) d.mismatch(n, 'bool');
  return b;
};

function intOf(n: YNode): number | undefined {
  if (n.kind !== 'scalar') return undefined;
  if (n.tag === '!!int') {
    const t = n.value.replace(/_/g, '');
    const neg = t.startsWith('-');
    const body = t.replace(/^[-+]/, '');
    let v: number;
    if (/^0b/.test(body)) v = parseInt(body.slice(2), 2);
    else if (/^0x/.test(body)) v = parseInt(body.slice(2), 16);
    else if (/^0o/.test(body)) v = parseInt(body.slice(2), 8);
    else if (/^0[0-7]+$/.test(body)) v = parseInt(body.slice(1), 8);
    else v = parseInt(body, 10);
    return neg ? -v : v;
  }
  // go-yaml also accepts a float with no fractional part for an int field.
  if (n.tag === '!!float' && Number.isInteger(Number(n.value))) return Number(n.value);
  return undefined;
}

export const int =
  (goType = 'int'): FieldDecoder<number> =>
  (d, n) => {
    if (isNull(n)) return undefined;
    const v = intOf(n);
    if (v === undefined || (goType.startsWith('uint') && v < 0)) {
      d.mismatch(n, goType);
      return undefined;
    }
    return v;
  };

export const float: FieldDecoder<number> = (d, n) => {
  if (isNull(n)) return undefined;
  if (n.kind === 'scalar' && (n.tag === '!!float' || n.tag === '!!int')) return Number(n.value.replace(/_/g, ''));
  d.mismatch(n, 'float64');
  return undefined;
};

export const list =
  <T>(item: FieldDecoder<T>, goType: string): FieldDecoder<T[]> =>
  (d, n) => {
    if (isNull(n)) return undefined;
    if (n.kind !== 'seq') {
      d.mismatch(n, goType);
      return undefined;
    }
    const out: T[] = [];
    for (const i of n.items) {
      // An item's own checks fail without a line; the item's line is the useful one.
      const v = atLine(i.line, () => item(d, i));
      // A null element stays in the list (a nil pointer in Go) so that the
      // loader can report "missing X config" as Alertmanager does.
      out.push(v as T);
    }
    return out;
  };

export const stringList: FieldDecoder<string[]> = (d, n) => {
  const l = list(str, '[]string')(d, n);
  return l?.map((s) => s ?? '');
};

export const map =
  <T>(value: FieldDecoder<T>, goType: string): FieldDecoder<Record<string, T>> =>
  (d, n) => {
    if (isNull(n)) return undefined;
    if (n.kind !== 'map') {
      d.mismatch(n, goType);
      return undefined;
    }
    const out: Record<string, T> = {};
    for (const { key, value: v } of n.pairs) {
      if (key.kind !== 'scalar') {
        d.mismatch(key, 'string');
        continue;
      }
      if (Object.hasOwn(out, key.value)) {
        d.typeErrors.push(`line ${key.line}: key "${key.value}" already set in map`);
        continue;
      }
      out[key.value] = value(d, v) as T;
    }
    return out;
  };

export const stringMap: FieldDecoder<Record<string, string>> = (d, n) => {
  const m = map(str, 'map[string]string')(d, n);
  if (!m) return undefined;
  for (const k of Object.keys(m)) m[k] ??= '';
  return m;
};

/** Plain data of any shape (`details`, jira `fields`): kept as JS values. */
export const anyValue: FieldDecoder<unknown> = (_d, n) => toPlain(n);

export function toPlain(n: YNode): unknown {
  switch (n.kind) {
    case 'scalar':
      switch (n.tag) {
        case '!!null':
          return undefined;
        case '!!bool':
          return yamlBool(n);
        case '!!int':
        case '!!float':
          return Number(n.value.replace(/_/g, ''));
        case '!!str':
          return n.value;
        default: {
          const never: never = n.tag;
          return never;
        }
      }
    case 'seq':
      return n.items.map(toPlain);
    case 'map':
      return Object.fromEntries(n.pairs.map((p) => [p.key.kind === 'scalar' ? p.key.value : '', toPlain(p.value)]));
    default: {
      const never: never = n;
      return never;
    }
  }
}
