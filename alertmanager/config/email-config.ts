/** `email_configs` entries, validated as Alertmanager's email integration does. */
import { bool, str, stringMap, isNull, type Decoded, type FieldDecoder } from './decoder.js';
import { tlsConfig } from './http-config.js';
import { COMMON_SPEC, fail, notifier } from './notifier.js';
import { hostPort, secret } from './url.js';

/** net/textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`. */
export function canonicalHeaderKey(h: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(h)) return h;
  return h
    .split('-')
    .map((p) => (p === '' ? p : p[0]?.toUpperCase() + p.slice(1).toLowerCase()))
    .join('-');
}

const THREADING_SPEC = { enabled: bool, thread_by_date: str };
const threading: FieldDecoder<Decoded<typeof THREADING_SPEC>> = (d, n) =>
  isNull(n) ? undefined : d.fields(n, 'email.ThreadingConfig', THREADING_SPEC);

const EMAIL_SPEC = {
  send_resolved: COMMON_SPEC.send_resolved,
  to: str,
  from: str,
  hello: str,
  smarthost: hostPort,
  auth_username: str,
  auth_password: secret,
  auth_password_file: str,
  auth_secret: secret,
  auth_secret_file: str,
  auth_identity: str,
  headers: stringMap,
  html: str,
  text: str,
  require_tls: bool,
  tls_config: tlsConfig,
  force_implicit_tls: bool,
  threading,
};
export type EmailConfig = Decoded<typeof EMAIL_SPEC>;

export const emailConfig = notifier(
  'email.plain',
  EMAIL_SPEC,
  () => ({ send_resolved: false, html: '{{ template "email.default.html" . }}', text: '' }),
  (c) => {
    if (!c.to) fail('missing to address in email config');
    const headers: Record<string, string> = {};
    for (const [h, v] of Object.entries(c.headers ?? {})) {
      const key = canonicalHeaderKey(h);
      if (Object.hasOwn(headers, key)) fail(`duplicate header ${JSON.stringify(key)} in email config`);
      headers[key] = v;
    }
    c.headers = headers;
    if (c.threading?.enabled) {
      if (Object.hasOwn(headers, 'References'))
        fail('conflicting configuration: threading.enabled conflicts with custom References header');
      if (Object.hasOwn(headers, 'In-Reply-To'))
        fail('conflicting configuration: threading.enabled conflicts with custom In-Reply-To header');
      c.threading.thread_by_date ??= 'daily';
      if (!['none', 'daily'].includes(c.threading.thread_by_date))
        fail("threading.thread_by_date must be either 'none' or 'daily'");
    }
  },
);
