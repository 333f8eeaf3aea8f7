import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from './server.js';
import { checkPair, defaultServingNames, loadTlsFiles, selfSignedCertificate, servingCertificate } from './tls.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'kubepulse-tls-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

const fetchText = (url: string, ca: string, servername?: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    get(url, { ca, ...(servername ? { servername } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

describe('self-signed certificate', () => {
  const pair = selfSignedCertificate({
    commonName: 'kubepulse-hub.kubepulse.svc',
    altNames: ['kubepulse-hub.kubepulse.svc', 'localhost', '127.0.0.1', '::1'],
    validityDays: 30,
    clock: () => NOW,
  });

  it('is an X.509 v3 certificate signed by its own key, with the names and validity asked for', () => {
    const x = new X509Certificate(pair.cert);
    expect(x.subject).toBe('CN=kubepulse-hub.kubepulse.svc');
    expect(x.issuer).toBe(x.subject);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe(
      'DNS:kubepulse-hub.kubepulse.svc, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(x.checkHost('kubepulse-hub.kubepulse.svc')).toBe('kubepulse-hub.kubepulse.svc');
    expect(x.checkHost('evil.example')).toBeUndefined();
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.parse(x.validFrom)).toBe(NOW - 3_600_000);
    expect(Date.parse(x.validTo)).toBe(NOW + 30 * 86_400_000);
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(checkPair(pair).ok).toBe(true);
  });

  it('is read by OpenSSL, which sees the critical extensions and verifies the signature', async () => {
    const file = join(dir, 'self.crt');
    await writeFile(file, pair.cert);
    const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    const ca = selfSignedCertificate({ commonName: 'test CA', altNames: [], isCa: true });
    await writeFile(join(dir, 'ca.crt'), ca.cert);
    const verified = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'ca.crt')], {
      encoding: 'utf8',
    });
    expect(verified.trim()).toBe(`${join(dir, 'ca.crt')}: OK`);
  });

  it('serves HTTPS that a client trusting exactly this certificate accepts for localhost and 127.0.0.1', async () => {
    const fresh = selfSignedCertificate({ commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
    const bound = await listen((_req, res) => res.end('hello over tls'), '127.0.0.1:0', fresh);
    if (!bound.ok) throw new Error(bound.error);
    const server: RunningServer = bound.value;
    try {
      expect(server.scheme).toBe('https');
      const port = server.address.split(':')[1];
      expect(await fetchText(`https://127.0.0.1:${port}/`, fresh.cert)).toEqual({
        status: 200,
        body: 'hello over tls',
      });
      expect(await fetchText(`https://localhost:${port}/`, fresh.cert)).toEqual({
        status: 200,
        body: 'hello over tls',
      });
      // A client that does not trust it refuses the handshake.
      const other = selfSignedCertificate({ commonName: 'other', altNames: ['localhost'] });
      await expect(fetchText(`https://127.0.0.1:${port}/`, other.cert)).rejects.toThrow();
    } finally {
      await server.close(1000);
    }
  });

  it('default serving names cover the Service DNS forms, localhost and the host name', () => {
    const names = defaultServingNames('kubepulse-hub', 'monitoring');
    expect(names).toEqual(
      expect.arrayContaining([
        'kubepulse-hub.monitoring.svc',
        'kubepulse-hub.monitoring.svc.cluster.local',
        'localhost',
        '127.0.0.1',
      ]),
    );
  });
});

describe('loading PEM files', () => {
  it('names the file that is missing, is not PEM, or holds a key of another certificate', async () => {
    const a = selfSignedCertificate({ commonName: 'a', altNames: ['a'] });
    const b = selfSignedCertificate({ commonName: 'b', altNames: ['b'] });
    const certFile = join(dir, 'a.crt');
    const keyFile = join(dir, 'a.key');
    const wrongKey = join(dir, 'b.key');
    const garbage = join(dir, 'garbage.pem');
    await writeFile(certFile, a.cert);
    await writeFile(keyFile, a.key);
    await writeFile(wrongKey, b.key);
    await writeFile(garbage, 'not a certificate\n');
    const loaded = await loadTlsFiles({ certFile, keyFile });
    expect(loaded.ok && loaded.value.cert).toBe(a.cert);
    expect(await loadTlsFiles({ certFile: join(dir, 'nope.crt'), keyFile })).toEqual({
      ok: false,
      error: `TLS certificate ${join(dir, 'nope.crt')}: no such file`,
    });
    expect(await loadTlsFiles({ certFile: garbage, keyFile })).toEqual({
      ok: false,
      error: `TLS certificate ${garbage}: no PEM CERTIFICATE block`,
    });
    expect(await loadTlsFiles({ certFile, keyFile: garbage })).toEqual({
      ok: false,
      error: `TLS key ${garbage}: no PEM PRIVATE KEY block`,
    });
    expect(await loadTlsFiles({ certFile, keyFile: wrongKey })).toEqual({
      ok: false,
      error: `TLS key ${wrongKey} does not belong to the certificate in ${certFile}`,
    });
    expect(await servingCertificate({ certFile })).toEqual({
      ok: false,
      error: 'TLS needs both a certificate file and a key file, or neither',
    });
    const generated = await servingCertificate({});
    expect(
      generated.ok && new X509Certificate(generated.value.cert).checkHost('kubepulse-hub.kubepulse.svc'),
    ).toBeTruthy();
  });
});
