/**
 * URL-valued fields as Alertmanager validates them: http(s) only and a host
 * required; secret URLs accept the `<secret>` placeholder that Alertmanager's
 * own API writes, so a config read back from /api/v2/status still loads.
 */
import { ConfigFail, str, type FieldDecoder } from './decoder.js';
import { Secret, SECRET_TOKEN } from './secret.js';
import { templateSyntaxError } from './template-syntax.js';

/** Go's url.Parse is lenient; reject only what it rejects that matters here. */
function goUrlParse(s: string): URL | string {
  if ([...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return `parse ${JSON.stringify(s)}: net/url: invalid control character in URL`;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (!m && s.startsWith(':')) return `parse ${JSON.stringify(s)}: missing protocol scheme`;
  try {
    return new URL(s);
  } catch {
    const scheme = m?.[1]?.toLowerCase();
    if (scheme === 'http' || scheme === 'https') {
      // WHATWG refuses what Go parses with an empty host; Go then reports the host.
      if (/^[a-zA-Z]+:(\/\/)?([/?#]|$)/.test(s)) return 'missing host for URL';
      return `parse ${JSON.stringify(s)}: invalid URL`;
    }
    return new URL('relative:' + s.replace(/^\/*/, '/')); // no scheme: fails the scheme check below
  }
}

export function parseHttpUrl(s: string): URL | string {
  const u = goUrlParse(s);
  if (typeof u === 'string') return u;
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    const given = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s)?.[1]?.toLowerCase() ?? '';
    return `unsupported scheme ${JSON.stringify(given)} for URL`;
  }
  if (u.host === '') return 'missing host for URL';
  return u;
}

/** A plain (non-secret) http(s) URL, kept as the text the user wrote. */
export const url: FieldDecoder<string> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  const u = parseHttpUrl(s);
  if (typeof u === 'string') throw new ConfigFail(u);
  return s;
};

/** A secret http(s) URL (Slack, webhook, Discord...). */
export const secretUrl: FieldDecoder<Secret> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  if (s === SECRET_TOKEN) return new Secret(s);
  const u = parseHttpUrl(s);
  // Alertmanager never echoes the rejected URL: it may hold a token.
  if (typeof u === 'string') throw new ConfigFail(u.startsWith('parse ') ? 'invalid URL: [REDACTED]' : u);
  return new Secret(s);
};

/** A secret URL that may be a Go template; only non-templated values are checked. */
export const secretTemplateUrl: FieldDecoder<Secret> = (d, n) => {
  const s = str(d, n);
  if (s === undefined) return undefined;
  if (s === '' || s === SECRET_TOKEN) return new Secret(s);
  if (s.includes('{{')) {
    const e = templateSyntaxError(s);
    if (e) throw new ConfigFail(`invalid template syntax: ${e}`);
    return new Secret(s);
  }
  const u = parseHttpUrl(s);
  if (typeof u === 'string') throw new ConfigFail(`invalid URL: ${u}`);
  return new Secret(s);
};

export const secret: FieldDecoder<Secret> = (d, n) => {
  const s = str(d, n);
  return s === undefined ? undefined : new Secret(s);
};

/** `host:port`, as Go's net.SplitHostPort reads it. */
export const hostPort: FieldDecoder<string> = (d, n) => {
  const s = str(d, n);
  if (s === undefined || s === '') return s;
  const fail = (why: string): never => {
    throw new ConfigFail(`address ${s}: ${why}`);
  };
  let host: string;
  let port: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) fail("missing ']' in address");
    if (s[end + 1] !== ':') fail(end + 1 === s.length ? 'missing port in address' : 'missing port in address');
    host = s.slice(1, end);
    port = s.slice(end + 2);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) fail('missing port in address');
    host = s.slice(0, i);
    port = s.slice(i + 1);
    if (host.includes(':')) fail('too many colons in address');
  }
  if (port === '') throw new ConfigFail(`address ${JSON.stringify(s)}: port cannot be empty`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
};
