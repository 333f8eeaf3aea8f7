/**
 * How this source finds and authenticates to an API server. All three ways end
 * in client-node's KubeConfig, so TLS, bearer tokens, client certificates,
 * exec plugins and token-file rotation behave exactly as in kubectl.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';

import { SERVICE_ACCOUNT_DIR } from './service-account.js';

export type KubeConnection =
  /** In a pod, the ServiceAccount; elsewhere KUBECONFIG or ~/.kube/config — what `kubepulse start` wants. */
  | { readonly kind: 'auto' }
  /** A kubeconfig file; without `path`, KUBECONFIG or ~/.kube/config as kubectl finds them. */
  | { readonly kind: 'kubeconfig'; readonly path?: string; readonly context?: string }
  /** The pod's ServiceAccount: KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA. */
  | { readonly kind: 'in-cluster'; readonly pathPrefix?: string }
  /** An explicit server URL with an optional bearer token and CA (file or PEM text). */
  | {
      readonly kind: 'server';
      readonly server: string;
      readonly token?: string;
      readonly caFile?: string;
      readonly caPem?: string;
      readonly insecureSkipTlsVerify?: boolean;
    };

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

/**
 * @example
 * const kc = loadKubeConfig({ kind: 'kubeconfig', path: process.env.KUBECONFIG });
 * const inCluster = loadKubeConfig({ kind: 'in-cluster' });
 * const direct = loadKubeConfig({ kind: 'server', server: 'https://10.0.0.1:6443', token, caFile: '/etc/k8s/ca.crt' });
 */
export function loadKubeConfig(connection: KubeConnection): Result<KubeConfig, KubeConfigError> {
  const kc = new KubeConfig();
  try {
    switch (connection.kind) {
      case 'auto':
        return process.env['KUBERNETES_SERVICE_HOST'] ? fromCluster(kc, '') : fromFile(kc, undefined, undefined);
      case 'kubeconfig':
        return fromFile(kc, connection.path, connection.context);
      case 'in-cluster':
        return fromCluster(kc, connection.pathPrefix ?? '');
      case 'server':
        return fromServer(kc, connection);
      default: {
        const never: never = connection;
        return never;
      }
    }
  } catch (cause) {
    return err(new KubeConfigError(`kube config (${connection.kind}): ${describe(cause)}`, { cause }));
  }
}

function fromFile(
  kc: KubeConfig,
  file: string | undefined,
  context: string | undefined,
): Result<KubeConfig, KubeConfigError> {
  if (file !== undefined) {
    if (!existsSync(file)) return err(new KubeConfigError(`${file}: kubeconfig file does not exist`));
    kc.loadFromFile(file);
  } else {
    // loadFromDefault() quietly falls back to http://localhost:8080 when it finds nothing; say so instead.
    const candidates = (process.env['KUBECONFIG'] ?? '').split(path.delimiter).filter((p) => p !== '');
    if (candidates.length === 0) candidates.push(path.join(homedir(), '.kube', 'config'));
    if (!candidates.some((p) => existsSync(p))) {
      return err(new KubeConfigError(`no kubeconfig found (looked at ${candidates.join(', ')})`));
    }
    kc.loadFromDefault();
  }
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      return err(new KubeConfigError(`${file ?? 'kubeconfig'}: no context named "${context}"`));
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) return err(new KubeConfigError(`${file ?? 'kubeconfig'}: the current context names no cluster`));
  return ok(kc);
}

function fromCluster(kc: KubeConfig, prefix: string): Result<KubeConfig, KubeConfigError> {
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    return err(
      new KubeConfigError(
        'in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod?)',
      ),
    );
  }
  const tokenFile = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
  if (!existsSync(tokenFile))
    return err(new KubeConfigError(`in-cluster: ${tokenFile}: ServiceAccount token is not mounted`));
  kc.loadFromCluster(prefix);
  return ok(kc);
}

function fromServer(
  kc: KubeConfig,
  c: Extract<KubeConnection, { kind: 'server' }>,
): Result<KubeConfig, KubeConfigError> {
  let url: URL;
  try {
    url = new URL(c.server);
  } catch {
    return err(new KubeConfigError(`server: "${c.server}" is not a URL`));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return err(new KubeConfigError(`server: "${c.server}": expected an http or https URL`));
  }
  if (c.caFile !== undefined && !existsSync(c.caFile))
    return err(new KubeConfigError(`${c.caFile}: CA file does not exist`));
  kc.loadFromClusterAndUser(
    {
      name: 'kubepulse',
      server: c.server.replace(/\/+$/, ''),
      // client-node refuses plain http unless this is set; without TLS there is nothing to verify anyway.
      skipTLSVerify: c.insecureSkipTlsVerify ?? url.protocol === 'http:',
      ...(c.caFile !== undefined ? { caFile: c.caFile } : {}),
      ...(c.caPem !== undefined ? { caData: Buffer.from(c.caPem).toString('base64') } : {}),
    },
    { name: 'kubepulse', ...(c.token !== undefined ? { token: c.token } : {}) },
  );
  return ok(kc);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
