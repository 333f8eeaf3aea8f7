/** The Go values a template works with: maps are plain objects, structs are GoStruct, ints bigint. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
  ) {}
}

export class TemplateExecError extends Error {}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoStruct) return true;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Prometheus' convertToFloat: numbers, numeric strings. */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim();
    const n = t === '+Inf' || t === 'Inf' ? Infinity : t === '-Inf' ? -Infinity : t === 'NaN' ? NaN : Number(t);
    if (t === '' || (Number.isNaN(n) && t !== 'NaN')) throw new TemplateExecError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    return n;
  }
  throw new TemplateExecError(`can't convert ${String(v)} to float`);
}

/**
 * Methods a value offers to templates, as Go types do (`.Alerts.Firing`,
 * `.Labels.SortedPairs`, `.CommonLabels.Remove .GroupLabels.Names`). Stored
 * under a symbol so that range, len and index still see a plain map or slice.
 */
export const GO_METHODS: unique symbol = Symbol('go-template.methods');
export type GoMethod = (...args: unknown[]) => unknown;

export function withMethods<T extends object>(value: T, methods: Readonly<Record<string, GoMethod>>): T {
  Object.defineProperty(value, GO_METHODS, { value: methods, enumerable: false });
  return value;
}

export function methodOf(value: unknown, name: string): GoMethod | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const methods = (value as { [GO_METHODS]?: Readonly<Record<string, GoMethod>> })[GO_METHODS];
  return methods && Object.hasOwn(methods, name) ? methods[name] : undefined;
}
