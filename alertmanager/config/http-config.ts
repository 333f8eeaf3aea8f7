/**
 * `http_config` and `tls_config` as Prometheus' common/config library reads
 * and validates them (Alertmanager uses that library for every notifier).
 */
import type { Decoder } from './decoder.js';
import {
  bool,
  ConfigFail,
  isNull,
  list,
  map,
  str,
  stringList,
  stringMap,
  type Decoded,
  type FieldDecoder,
  anyValue,
} from './decoder.js';
import type { Secret } from './secret.js';
import { secret } from './url.js';
import type { YNode } from './yaml-node.js';

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];
const tlsVersion: FieldDecoder<string> = (d, n) => {
  const s = str(d, n);
  if (s !== undefined && !TLS_VERSIONS.includes(s)) throw new ConfigFail(`unknown TLS version: ${s}`);
  return s;
};

const TLS_SPEC = {
  ca: str,
  ca_file: str,
  ca_ref: str,
  cert: str,
  cert_file: str,
  cert_ref: str,
  key: secret,
  key_file: str,
  key_ref: str,
  server_name: str,
  insecure_skip_verify: bool,
  min_version: tlsVersion,
  max_version: tlsVersion,
};
export type TlsConfig = Decoded<typeof TLS_SPEC>;

const count = (...xs: boolean[]): number => xs.filter(Boolean).length;
const has = (v: { isEmpty?: boolean } | string | undefined): boolean =>
  v !== undefined && (typeof v === 'string' ? v !== '' : v.isEmpty !== true);

export const tlsConfig: FieldDecoder<TlsConfig> = (d, n) => {
  if (isNull(n)) return undefined;
  let c: TlsConfig = {};
  if (!d.clean(() => (c = d.fields(n, 'config.plain', TLS_SPEC)))) return c;
  if (count(has(c.ca), has(c.ca_file), has(c.ca_ref)) > 1)
    throw new ConfigFail('at most one of ca, ca_file & ca_ref must be configured');
  if (count(has(c.cert), has(c.cert_file), has(c.cert_ref)) > 1)
    throw new ConfigFail('at most one of cert, cert_file & cert_ref must be configured');
  if (count(has(c.key), has(c.key_file), has(c.key_ref)) > 1)
    throw new ConfigFail('at most one of key and key_file must be configured');
  const cert = has(c.cert) || has(c.cert_file) || has(c.cert_ref);
  const key = has(c.key) || has(c.key_file) || has(c.key_ref);
  if (cert && !key)
    throw new ConfigFail('exactly one of key or key_file must be configured when a client certificate is configured');
  if (key && !cert)
    throw new ConfigFail('exactly one of cert or cert_file must be configured when a client key is configured');
  return c;
};

const BASIC_AUTH_SPEC = {
  username: str,
  username_file: str,
  username_ref: str,
  password: secret,
  password_file: str,
  password_ref: str,
};
const AUTHORIZATION_SPEC = { type: str, credentials: secret, credentials_file: str, credentials_ref: str };
const PROXY_SPEC = {
  proxy_url: str,
  no_proxy: str,
  proxy_from_environment: bool,
  proxy_connect_header: map(list(secret, '[]config.Secret'), 'config.ProxyHeader'),
};
const OAUTH2_SPEC = {
  client_id: str,
  client_secret: secret,
  client_secret_file: str,
  client_secret_ref: str,
  client_certificate_key_id: str,
  client_certificate_key: secret,
  client_certificate_key_file: str,
  client_certificate_key_ref: str,
  grant_type: str,
  signature_algorithm: str,
  iss: str,
  audience: str,
  claims: anyValue,
  scopes: stringList,
  token_url: str,
  endpoint_params: stringMap,
  tls_config: tlsConfig,
  ...PROXY_SPEC,
};
const HEADER_SPEC = { values: stringList, secrets: list(secret, '[]config.Secret'), files: stringList };

const HTTP_SPEC = {
  basic_auth: (d: Decoder, n: YNode) => (isNull(n) ? undefined : d.fields(n, 'config.BasicAuth', BASIC_AUTH_SPEC)),
  authorization: (d: Decoder, n: YNode) =>
    isNull(n) ? undefined : d.fields(n, 'config.Authorization', AUTHORIZATION_SPEC),
  oauth2: (d: Decoder, n: YNode) => {
    if (isNull(n)) return undefined;
    let o: Decoded<typeof OAUTH2_SPEC> = {};
    if (d.clean(() => (o = d.fields(n, 'config.plain', OAUTH2_SPEC)))) validateOAuth2(o);
    return o;
  },
  bearer_token: secret,
  bearer_token_file: str,
  tls_config: tlsConfig,
  follow_redirects: bool,
  enable_http2: bool,
  http_headers: map(
    (d: Decoder, n: YNode) => (isNull(n) ? undefined : d.fields(n, 'config.Header', HEADER_SPEC)),
    'config.Headers',
  ),
  ...PROXY_SPEC,
};
export type HttpConfig = Decoded<typeof HTTP_SPEC>;

function validateProxy(c: {
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment?: boolean;
  proxy_connect_header?: object;
}): void {
  const proxyUrl = c.proxy_url ?? '';
  if (
    c.proxy_connect_header &&
    Object.keys(c.proxy_connect_header).length > 0 &&
    !c.proxy_from_environment &&
    proxyUrl === ''
  ) {
    throw new ConfigFail(
      'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured',
    );
  }
  if (c.proxy_from_environment && proxyUrl !== '')
    throw new ConfigFail('if proxy_from_environment is configured, proxy_url must not be configured');
  if (c.proxy_from_environment && (c.no_proxy ?? '') !== '')
    throw new ConfigFail('if proxy_from_environment is configured, no_proxy must not be configured');
  if (c.proxy_url === undefined && (c.no_proxy ?? '') !== '')
    throw new ConfigFail('if no_proxy is configured, proxy_url must also be configured');
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
// Headers an http_config may not set: the client or the protocol owns them.
const RESERVED_HEADERS = new Set([
  'Authorization',
  'Host',
  'Content-Encoding',
  'Content-Length',
  'Content-Type',
  'User-Agent',
  'Connection',
  'Keep-Alive',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Www-Authenticate',
  'Accept-Encoding',
  'X-Prometheus-Remote-Write-Version',
  'X-Prometheus-Remote-Read-Version',
  'X-Prometheus-Scrape-Timeout-Seconds',
  'X-Amz-Date',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
]);
const canonicalHeader = (h: string): string =>
  h
    .split('-')
    .map((p) => (p === '' ? p : (p[0] ?? '').toUpperCase() + p.slice(1).toLowerCase()))
    .join('-');

/** OAuth2's own checks, which run when the oauth2 block is decoded. */
function validateOAuth2(o: {
  client_id?: string;
  token_url?: string;
  client_secret?: Secret;
  client_secret_file?: string;
  client_secret_ref?: string;
}): void {
  if (!has(o.client_id)) throw new ConfigFail('oauth2 client_id must be configured');
  if (!has(o.token_url)) throw new ConfigFail('oauth2 token_url must be configured');
  if (count(has(o.client_secret), has(o.client_secret_file), has(o.client_secret_ref)) > 1) {
    throw new ConfigFail(
      'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured',
    );
  }
}

/** Validates as HTTPClientConfig.Validate does, and folds bearer_token into authorization. */
function validateHttp(c: HttpConfig): void {
  if (has(c.bearer_token) && has(c.bearer_token_file))
    throw new ConfigFail('at most one of bearer_token & bearer_token_file must be configured');
  const bearer = has(c.bearer_token) || has(c.bearer_token_file);
  if ((c.basic_auth || c.oauth2) && bearer)
    throw new ConfigFail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  const b = c.basic_auth;
  if (b && count(has(b.username), has(b.username_file), has(b.username_ref)) > 1) {
    throw new ConfigFail('at most one of basic_auth username, username_file & username_ref must be configured');
  }
  if (b && count(has(b.password), has(b.password_file), has(b.password_ref)) > 1) {
    throw new ConfigFail('at most one of basic_auth password, password_file & password_ref must be configured');
  }
  const a = c.authorization;
  if (a) {
    if (bearer) throw new ConfigFail('authorization is not compatible with bearer_token & bearer_token_file');
    if (count(has(a.credentials), has(a.credentials_file), has(a.credentials_ref)) > 1) {
      throw new ConfigFail('at most one of authorization credentials & credentials_file must be configured');
    }
    a.type = (a.type ?? '').trim() || 'Bearer';
    if (a.type.toLowerCase() === 'basic')
      throw new ConfigFail('authorization type cannot be set to "basic", use "basic_auth" instead');
    if (c.basic_auth || c.oauth2)
      throw new ConfigFail('at most one of basic_auth, oauth2 & authorization must be configured');
  } else if (c.bearer_token && has(c.bearer_token)) {
    c.authorization = { type: 'Bearer', credentials: c.bearer_token };
    delete c.bearer_token;
  } else if (has(c.bearer_token_file)) {
    c.authorization = { type: 'Bearer', credentials_file: c.bearer_token_file };
    delete c.bearer_token_file;
  }
  const o = c.oauth2;
  if (o) {
    if (c.basic_auth) throw new ConfigFail('at most one of basic_auth, oauth2 & authorization must be configured');
    validateOAuth2(o);
    if (
      o.grant_type === JWT_BEARER &&
      o.signature_algorithm &&
      !['RS256', 'RS384', 'RS512'].includes(o.signature_algorithm)
    ) {
      throw new ConfigFail('valid signature algorithms are RS256, RS384 and RS512');
    }
    validateProxy(o);
  }
  validateProxy(c);
  for (const name of Object.keys(c.http_headers ?? {})) {
    const canonical = canonicalHeader(name);
    if (RESERVED_HEADERS.has(canonical))
      throw new ConfigFail(`setting header ${JSON.stringify(canonical)} is not allowed`);
  }
}

export const defaultHttpConfig = (): HttpConfig => ({ follow_redirects: true, enable_http2: true });

export const httpConfig: FieldDecoder<HttpConfig> = (d, n) => {
  if (isNull(n)) return undefined;
  let c: HttpConfig = defaultHttpConfig();
  if (!d.clean(() => (c = { ...defaultHttpConfig(), ...d.fields(n, 'config.plain', HTTP_SPEC) }))) return c;
  validateHttp(c);
  return c;
};

const SIGV4_SPEC = {
  region: str,
  access_key: str,
  secret_key: secret,
  profile: str,
  role_arn: str,
  external_id: str,
  use_fips_sts_endpoint: bool,
};
export const sigv4Config: FieldDecoder<Decoded<typeof SIGV4_SPEC>> = (d, n) => {
  if (isNull(n)) return undefined;
  let c: Decoded<typeof SIGV4_SPEC> = {};
  if (!d.clean(() => (c = d.fields(n, 'sigv4.plain', SIGV4_SPEC)))) return c;
  if ((has(c.access_key) && !has(c.secret_key)) || (!has(c.access_key) && has(c.secret_key))) {
    throw new ConfigFail(
      'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
    );
  }
  return c;
};
