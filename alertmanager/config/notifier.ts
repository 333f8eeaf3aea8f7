/**
 * The shape every notifier config shares: defaults first, then the user's
 * fields, then the type's own checks, which Go skips when a field failed to
 * decode. A null list entry stays undefined (a nil pointer in Go) so that the
 * loader can report "missing email config" and the like.
 */
import { bool, ConfigFail, isNull, type Decoded, type FieldDecoder, type FieldSpec } from './decoder.js';
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
    validate(c);
    return c;
  };
}

export function fail(msg: string): never {
  throw new ConfigFail(msg);
}

/** Set and non-empty: Go's `!= ""` for strings and secrets. */
export const set = (v: { isEmpty: boolean } | string | undefined): boolean =>
  v !== undefined && (typeof v === 'string' ? v !== '' : !v.isEmpty);

/**
 * Go's text/template accepts `{{ ... }}` actions and `{{/* ... *\/}}` comments;
 * this catches the unterminated ones, which is what users get wrong.
 */
export function templateSyntaxError(s: string): string | undefined {
  let i = 0;
  while ((i = s.indexOf('{{', i)) >= 0) {
    const rest = s.slice(i + 2).replace(/^- /, '');
    if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/');
      if (end < 0) return 'template: :1: unclosed comment';
      if (!/^ ?-?}}/.test(rest.slice(end + 2).replace(/^ -/, ' -'))) return 'template: :1: comment ends before closing delimiter';
    }
    const close = s.indexOf('}}', i + 2);
    if (close < 0) return 'template: :1: unclosed action';
    i = close + 2;
  }
  return undefined;
}
