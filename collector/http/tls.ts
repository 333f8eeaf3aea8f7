/**
 * Serving certificates from PEM files, checked at start so a wrong path, a
 * key that is not PEM or a key that does not belong to the certificate is one
 * clear error naming the file, not a TLS handshake that fails for every client.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { err, ok, type Result } from '../result.js';
import { selfSignedCertificate, type PemPair } from './tls-self-signed.js';

export type { PemPair } from './tls-self-signed.js';
export { selfSignedCertificate } from './tls-self-signed.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

const describe = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
};

/** Reads and checks a certificate chain and its private key. */
export async function loadTlsFiles(files: TlsFiles): Promise<Result<PemPair, string>> {
  let cert: string;
  let key: string;
  try {
    cert = await readFile(files.certFile, 'utf8');
  } catch (e) {
    return err(`TLS certificate ${files.certFile}: ${describe(e)}`);
  }
  try {
    key = await readFile(files.keyFile, 'utf8');
  } catch (e) {
    return err(`TLS key ${files.keyFile}: ${describe(e)}`);
  }
  return checkPair({ cert, key }, files);
}

/** The pair must parse, and the key must be the one of the first (leaf) certificate. */
export function checkPair(
  pair: PemPair,
  files: TlsFiles = { certFile: 'certificate', keyFile: 'key' },
): Result<PemPair, string> {
  if (!pair.cert.includes('-----BEGIN CERTIFICATE-----'))
    return err(`TLS certificate ${files.certFile}: no PEM CERTIFICATE block`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(pair.cert);
  } catch (e) {
    return err(`TLS certificate ${files.certFile}: cannot parse: ${describe(e)}`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pair.key))
    return err(`TLS key ${files.keyFile}: no PEM PRIVATE KEY block`);
  try {
    const key = createPrivateKey(pair.key);
    if (!leaf.checkPrivateKey(key))
      return err(`TLS key ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
  } catch (e) {
    return err(`TLS key ${files.keyFile}: cannot parse: ${describe(e)}`);
  }
  return ok(pair);
}

/**
 * The names a self-signed serving certificate for the hub carries: its Service in
 * every DNS form a client may dial (namespace from POD_NAMESPACE, default
 * kubepulse), localhost and this host's name.
 */
export function defaultServingNames(
  service = 'kubepulse-hub',
  namespace = process.env['POD_NAMESPACE'] ?? 'kubepulse',
): string[] {
  const svc = `${service}.${namespace}`;
  const names = [service, svc, `${svc}.svc`, `${svc}.svc.cluster.local`, 'localhost', '127.0.0.1', '::1', hostname()];
  return [...new Set(names.filter((n) => n !== ''))];
}

/** The files when given, else a self-signed pair for `defaultServingNames()`. */
export async function servingCertificate(
  files: Partial<TlsFiles>,
  clock?: () => number,
): Promise<Result<PemPair, string>> {
  if (files.certFile !== undefined && files.keyFile !== undefined)
    return loadTlsFiles({ certFile: files.certFile, keyFile: files.keyFile });
  if (files.certFile !== undefined || files.keyFile !== undefined)
    return err('TLS needs both a certificate file and a key file, or neither');
  const names = defaultServingNames();
  return ok(
    selfSignedCertificate({ commonName: names[2] ?? 'kubepulse', altNames: names, ...(clock ? { clock } : {}) }),
  );
}
