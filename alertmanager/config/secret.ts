/**
 * Secrets (passwords, tokens, webhook URLs) as a type that cannot leak by
 * accident: printing, string interpolation, JSON and util.inspect all show
 * `<secret>`, the placeholder Alertmanager itself writes. Only reveal()
 * returns the value, so every use of a secret is explicit and greppable.
 */
import { inspect } from 'node:util';

export const SECRET_TOKEN = '<secret>';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value; call it only where the secret is handed to its destination. */
  reveal(): string {
    return this.#value;
  }
  get isEmpty(): boolean {
    return this.#value === '';
  }
  toString(): string {
    return SECRET_TOKEN;
  }
  // Alertmanager marshals an empty secret as "" and any other as "<secret>".
  toJSON(): string {
    return this.#value === '' ? '' : SECRET_TOKEN;
  }
  [inspect.custom](): string {
    return SECRET_TOKEN;
  }
}

export const isSecret = (v: unknown): v is Secret => v instanceof Secret;
