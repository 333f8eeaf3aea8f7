/**
 * Certificates for tests of the aggregation layer, made with the `openssl` CLI
 * (Debian's openssl; test-only) so they come from an implementation other than
 * kubepulse's own: the front-proxy CA and its client certificate, as kubeadm
 * makes them, a client CA with a user certificate, and an impostor.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertKey {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  readonly dir: string;
  /** A CA (basicConstraints CA:TRUE) named `cn`. */
  ca(cn: string): Promise<CertKey>;
  /** A client certificate signed by `ca` with subject CN (and O, for groups). */
  client(ca: CertKey, cn: string, organizations?: readonly string[]): Promise<CertKey>;
  /** A serving certificate signed by `ca` for `names` (DNS names and IPs). */
  server(ca: CertKey, cn: string, names: readonly string[]): Promise<CertKey>;
  cleanup(): Promise<void>;
}

export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'kubepulse-pki-'));
  let n = 0;
  const openssl = (...args: string[]): void =>
    void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = async (base: string): Promise<CertKey> => ({
    cert: await readFile(join(dir, `${base}.crt`), 'utf8'),
    key: await readFile(join(dir, `${base}.key`), 'utf8'),
    certFile: join(dir, `${base}.crt`),
    keyFile: join(dir, `${base}.key`),
  });
  /** openssl arguments for a new P-256 key, unencrypted, written to `<base>.key`. */
  const newKey = (base: string): string[] => ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${base}.key`];
  const subject = (cn: string, orgs: readonly string[] = []): string =>
    `${orgs.map((o) => `/O=${o}`).join('')}/CN=${cn}`;
  const signed = async (ca: CertKey, subj: string, ext: string): Promise<CertKey> => {
    const base = `cert-${++n}`;
    await writeFile(join(dir, `${base}.ext`), ext);
    openssl(
      'req',
      '-new',
      ...newKey(base),
      '-out',
      `${base}.csr`,
      '-subj',
      subj,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      String(1000 + n),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      `${base}.ext`,
      '-out',
      `${base}.crt`,
    );
    return read(base);
  };
  return {
    dir,
    async ca(cn) {
      const base = `ca-${++n}`;
      openssl(
        'req',
        '-x509',
        ...newKey(base),
        '-out',
        `${base}.crt`,
        '-subj',
        `/CN=${cn}`,
        '-days',
        '2',
        '-sha256',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,digitalSignature,keyCertSign',
      );
      return read(base);
    },
    client: (ca, cn, orgs = []) =>
      signed(
        ca,
        subject(cn, orgs),
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
      ),
    server: (ca, cn, names) =>
      signed(
        ca,
        subject(cn),
        `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((x) => (/^[\d.]+$|:/.test(x) ? `IP:${x}` : `DNS:${x}`)).join(',')}\n`,
      ),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
