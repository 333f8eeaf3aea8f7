/**
 * The shape every notifier config shares: defaults first, then the user's
 * fields, then the type's own checks, which Go skips when a field failed to
 * decode. A null list entry stays undefined (a nil pointer in Go) so that the
 * loader can report "missing email config" and the like.
 */
import { atLine, bool, ConfigFail, isNull, type Decoded, type FieldDecoder, type FieldSpec } from './decoder.js';
import { httpConfig } from './http-config.js';

/** Fields every integration accepts. */
export const COMMON_SPEC = { send_resolved: bool, http_config: httpConfig };

export function notifier<S extends FieldSpec>(
  typeName: string,
  spec: S,
  defaults: () => Decoded<S>,
  validate: (c: Decoded<S>) => void = () => undefined,
): FieldDecoder<Decoded<S>> {
  return (d, n) => {
    if (isNull(n)) return undefined;
    let c = defaults();
    if (!d.clean(() => (c = { ...defaults(), ...d.fields(n, typeName, spec) }))) return c;
    atLine(n.line, () => validate(c));
    d.lines.set(c, n.line);
    return c;
  };
}

export function fail(msg: string): never {
  throw new ConfigFail(msg);
}

/** Set and non-empty: Go's `!= ""` for strings and secrets. */
export const set = (v: { isEmpty: boolean } | string | undefined): boolean =>
  v !== undefined && (typeof v === 'string' ? v !== '' : !v.isEmpty);

export { templateSyntaxError } from './template-syntax.js';
