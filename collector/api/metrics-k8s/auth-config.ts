/**
 * The delegated-authentication settings the kube-apiserver publishes in
 * ConfigMap kube-system/extension-apiserver-authentication, read the way
 * k8s.io/apiserver reads them for metrics-server: the front proxy's CA and
 * allowed names, the header names it uses, and the CA of direct clients.
 */
import { X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../../result.js';
import { s } from '../../schema/index.js';

export const AUTH_CONFIGMAP_PATH = '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication';

export interface RequestHeaderConfig {
  readonly caPem: string;
  readonly cas: readonly X509Certificate[];
  /** Common names the front proxy's certificate may carry; empty allows any the CA signed. */
  readonly allowedNames: readonly string[];
  readonly usernameHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraPrefixes: readonly string[];
}

export interface AuthConfig {
  readonly requestHeader?: RequestHeaderConfig;
  /** For clients that present their own certificate (user = CN, groups = O). */
  readonly clientCa?: { readonly caPem: string; readonly cas: readonly X509Certificate[] };
}

const ConfigMap = s.object({ data: s.record(s.string(), s.string()).default({}) });
const StringList = s.array(s.string());

/** Every certificate of a PEM bundle; an error names the key and the block that fails. */
export function parseCaBundle(pem: string, where: string): Result<X509Certificate[], string> {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return err(`${where}: no PEM CERTIFICATE block`);
  const out: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      out.push(new X509Certificate(b));
    } catch (e) {
      return err(
        `${where}: certificate ${i + 1} of ${blocks.length} does not parse: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return ok(out);
}

/** The list keys hold JSON arrays of strings (`["X-Remote-User"]`). */
function list(data: Record<string, string>, key: string): Result<string[], string> {
  const raw = data[key];
  if (raw === undefined || raw.trim() === '') return ok([]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return err(`extension-apiserver-authentication: ${key} is not JSON: ${raw.slice(0, 80)}`);
  }
  const r = StringList.safeParse(parsed);
  return r.success ? ok(r.data) : err(`extension-apiserver-authentication: ${key} is not a JSON list of strings`);
}

export function parseAuthConfigMap(body: unknown): Result<AuthConfig, string> {
  const cm = ConfigMap.safeParse(body);
  if (!cm.success) return err('extension-apiserver-authentication: not a ConfigMap with data');
  const data = cm.data.data;
  let clientCa: AuthConfig['clientCa'];
  const clientPem = data['client-ca-file'];
  if (clientPem !== undefined && clientPem.trim() !== '') {
    const cas = parseCaBundle(clientPem, 'extension-apiserver-authentication: client-ca-file');
    if (!cas.ok) return cas;
    clientCa = { caPem: clientPem, cas: cas.value };
  }
  let requestHeader: RequestHeaderConfig | undefined;
  const rhPem = data['requestheader-client-ca-file'];
  if (rhPem !== undefined && rhPem.trim() !== '') {
    const cas = parseCaBundle(rhPem, 'extension-apiserver-authentication: requestheader-client-ca-file');
    if (!cas.ok) return cas;
    const lists: Record<string, string[]> = {};
    for (const key of ['allowed-names', 'username-headers', 'group-headers', 'extra-headers-prefix']) {
      const l = list(data, `requestheader-${key}`);
      if (!l.ok) return l;
      lists[key] = l.value;
    }
    requestHeader = {
      caPem: rhPem,
      cas: cas.value,
      allowedNames: lists['allowed-names'] ?? [],
      usernameHeaders: (lists['username-headers'] ?? []).map((h) => h.toLowerCase()),
      groupHeaders: (lists['group-headers'] ?? []).map((h) => h.toLowerCase()),
      extraPrefixes: (lists['extra-headers-prefix'] ?? []).map((h) => h.toLowerCase()),
    };
  }
  return ok({ ...(requestHeader ? { requestHeader } : {}), ...(clientCa ? { clientCa } : {}) });
}
