/**
 * Who is calling, as k8s.io/apiserver's delegated authentication decides for
 * metrics-server: a client certificate signed by the requestheader CA (the
 * kube-apiserver's front proxy, whose CN must be in allowed-names when that
 * list is set) vouches for the user named in its X-Remote-* headers; a
 * certificate signed by the client CA is itself the user (CN, groups from O).
 * Anything else is unauthenticated (401).
 */
import type { X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../../result.js';
import type { AuthConfig } from './auth-config.js';

export interface UserInfo {
  readonly username: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export interface PeerCertificate {
  readonly cert: X509Certificate | undefined;
  /** OpenSSL's verdict on the chain against the CAs the TLS server was given. */
  readonly authorized: boolean;
}

type Headers = Readonly<Record<string, readonly string[] | undefined>>;

const subjectField = (cert: X509Certificate, field: string): string[] =>
  cert.subject
    .split('\n')
    .filter((l) => l.startsWith(`${field}=`))
    .map((l) => l.slice(field.length + 1));

/** Which bundle signed it; OpenSSL has already checked the chain's validity dates (`authorized`). */
function issuedByOneOf(cert: X509Certificate, cas: readonly X509Certificate[]): boolean {
  return cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
}

export function authenticate(peer: PeerCertificate, headers: Headers, config: AuthConfig): Result<UserInfo, string> {
  const cert = peer.cert;
  if (!cert) return err('no client certificate');
  if (!peer.authorized) return err('client certificate does not chain to a trusted CA');
  const rh = config.requestHeader;
  if (rh && issuedByOneOf(cert, rh.cas)) {
    const cn = subjectField(cert, 'CN')[0] ?? '';
    if (rh.allowedNames.length > 0 && !rh.allowedNames.includes(cn)) {
      return err(`client certificate CN "${cn}" is not in requestheader-allowed-names`);
    }
    const first = (names: readonly string[]): string | undefined => {
      for (const n of names) {
        const v = headers[n]?.find((s) => s !== '');
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const username = first(rh.usernameHeaders);
    if (username === undefined) return err('front-proxy request names no user');
    const groups = rh.groupHeaders.flatMap((h) => headers[h] ?? []);
    const extra: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(headers)) {
      const prefix = rh.extraPrefixes.find((p) => name.startsWith(p));
      if (prefix === undefined || values === undefined) continue;
      const key = safeUnescape(name.slice(prefix.length));
      (extra[key] ??= []).push(...values);
    }
    return ok({ username, groups, extra });
  }
  const ca = config.clientCa;
  if (ca && issuedByOneOf(cert, ca.cas)) {
    const username = subjectField(cert, 'CN')[0] ?? '';
    if (username === '') return err('client certificate has no CN');
    return ok({ username, groups: subjectField(cert, 'O'), extra: {} });
  }
  return err('client certificate is not signed by the requestheader or client CA');
}

/** Extra keys are percent-encoded by the front proxy (header names cannot carry every character). */
function safeUnescape(s: string): string {
  try {
    return decodeURIComponent(s).toLowerCase();
  } catch {
    return s;
  }
}
