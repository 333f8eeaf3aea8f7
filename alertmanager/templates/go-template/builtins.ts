/** Go's text/template built-in functions (text/template/funcs.go), with Go's semantics. */
import type { FunctionTable } from './exec.js';
import { formatValue, goType, sprintf } from './go-format.js';
import { GoStruct, TemplateExecError, truth } from './values.js';

function compare(a: unknown, b: unknown, op: string): number {
  const kind = (v: unknown): string => (typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v);
  if (kind(a) !== kind(b)) throw new TemplateExecError(`error calling ${op}: incompatible types for comparison`);
  if (typeof a === 'string' || typeof a === 'number' || typeof a === 'bigint') {
    const y = b as typeof a;
    return a < y ? -1 : a > y ? 1 : 0;
  }
  if (op === 'eq' || op === 'ne') return a === b ? 0 : 1;
  throw new TemplateExecError(`error calling ${op}: invalid type for comparison`);
}

export const arity = (name: string, args: unknown[], n: number): void => {
  if (args.length !== n) throw new TemplateExecError(`wrong number of args for ${name}: want ${n} got ${args.length}`);
};

/** A value as a string argument: strings as they are, others as %v prints them. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : formatValue(v));

export const GO_BUILTINS: FunctionTable<unknown> = {
  and: (a) => a.find((x) => !truth(x)) ?? a[a.length - 1],
  or: (a) => a.find((x) => truth(x)) ?? a[a.length - 1],
  not: (a) => (arity('not', a, 1), !truth(a[0])),
  len: (a) => {
    arity('len', a, 1);
    const v = a[0];
    if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
    if (Array.isArray(v)) return BigInt(v.length);
    if (v !== null && typeof v === 'object' && !(v instanceof GoStruct)) return BigInt(Object.keys(v).length);
    throw new TemplateExecError(`error calling len: len of type ${goType(v)}`);
  },
  index: (a) => {
    let v = a[0];
    for (const k of a.slice(1)) {
      if (Array.isArray(v)) v = v[Number(k)];
      else if (v !== null && typeof v === 'object') v = (v as Record<string, unknown>)[String(k)] ?? '';
      else throw new TemplateExecError(`error calling index: can't index item of type ${goType(v)}`);
    }
    return v;
  },
  print: (a) => a.map((x, i) => (i > 0 && typeof x !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + formatValue(x)).join(''),
  printf: (a) => sprintf(String(a[0]), a.slice(1)),
  println: (a) => `${a.map(formatValue).join(' ')}\n`,
  eq: (a) => a.slice(1).some((b) => compare(a[0], b, 'eq') === 0),
  ne: (a) => (arity('ne', a, 2), compare(a[0], a[1], 'ne') !== 0),
  lt: (a) => (arity('lt', a, 2), compare(a[0], a[1], 'lt') < 0),
  le: (a) => (arity('le', a, 2), compare(a[0], a[1], 'le') <= 0),
  gt: (a) => (arity('gt', a, 2), compare(a[0], a[1], 'gt') > 0),
  ge: (a) => (arity('ge', a, 2), compare(a[0], a[1], 'ge') >= 0),
  html: (a) => a.map(str).join('').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] ?? c),
  js: (a) => a.map(str).join('').replace(/[\\'"<>&=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`),
  urlquery: (a) => encodeURIComponent(a.map(str).join('')).replace(/%20/g, '+'),
  slice: (a) => {
    const v = a[0];
    const [i = 0n, j] = a.slice(1).map((x) => Number(x));
    if (typeof v === 'string') return v.slice(Number(i), j);
    if (Array.isArray(v)) return (v as unknown[]).slice(Number(i), j);
    throw new TemplateExecError(`error calling slice: can't slice item of type ${goType(v)}`);
  },
};
