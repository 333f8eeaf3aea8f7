/**
 * What both HTTP shells promise, run against each (shell.test.ts for the
 * hub's express shell, plain-shell.test.ts for the collector's plain one):
 * health and readiness, a GET route on GET and HEAD, express' 404 page, a
 * taken port, and HTTPS from `web.tls` files with their reload.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { get, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import type { Result } from '../result.js';
import type { BoundShell, HttpShellOptions } from './bind-shell.js';
import { sendText, type RouteHandler } from './route.js';
import { selfSignedCertificate, type TlsFiles } from './tls.js';

/** A shell as the suite drives it: `get` mounts a route (on the express app, for the express shell). */
export interface ShellUnderTest extends BoundShell {
  get(path: string, handler: RouteHandler): void;
}
export type StartShell = (
  address: string,
  tls?: TlsFiles,
  options?: HttpShellOptions,
) => Promise<Result<ShellUnderTest, string>>;

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on a fresh connection; `ca` makes it HTTPS trusting that certificate. */
export function call(url: string, method = 'GET', ca?: string): Promise<Answer> {
  const request = ca === undefined ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    request(url, { method, agent: false, ...(ca !== undefined ? { ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The page express' final handler writes: `Cannot GET /x` for 404s, and the plain shell's 405 and 500. */
export const errorPageHtml = (text: string): string =>
  `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${text}</pre>\n</body>\n</html>\n`;

/** The SHA-256 fingerprint of the certificate a fresh connection is served. */
const servedFingerprint = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
    }).on('error', reject);
  });

export function describeHttpShell(name: string, start: StartShell): void {
  describe(name, () => {
    const running: BoundShell[] = [];
    let dir: string;
    beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'kubepulse-shell-'))));
    afterAll(async () => rm(dir, { recursive: true, force: true }));
    afterEach(async () => {
      await Promise.all(running.splice(0).map((s) => s.server.close(1000)));
    });
    const started = async (
      address = '127.0.0.1:0',
      tls?: TlsFiles,
      options?: HttpShellOptions,
    ): Promise<{ shell: ShellUnderTest; url: string }> => {
      const shell = await start(address, tls, options);
      if (!shell.ok) throw new Error(shell.error);
      running.push(shell.value);
      return { shell: shell.value, url: `${tls ? 'https' : 'http'}://${shell.value.server.address}` };
    };

    it('answers /-/healthy, and /-/ready with 503 until it is ready, on GET and HEAD', async () => {
      const { shell, url } = await started();
      const plain = 'text/plain; charset=utf-8';
      const healthy = await call(`${url}/-/healthy`);
      expect([healthy.status, healthy.headers['content-type'], healthy.body]).toEqual([
        200,
        plain,
        'kubepulse is Healthy.\n',
      ]);
      const notReady = await call(`${url}/-/ready`);
      expect([notReady.status, notReady.headers['content-type'], notReady.body]).toEqual([
        503,
        plain,
        'Service Unavailable\n',
      ]);
      const head = await call(`${url}/-/ready`, 'HEAD');
      expect([head.status, head.headers['content-type'], head.headers['content-length'], head.body]).toEqual([
        503,
        plain,
        '20',
        '',
      ]);
      shell.setReady(true);
      const ready = await call(`${url}/-/ready`);
      expect([ready.status, ready.headers['content-type'], ready.body]).toEqual([200, plain, 'kubepulse is Ready.\n']);
      expect((await call(`${url}/-/ready`, 'HEAD')).status).toBe(200);
      shell.setReady(false);
      expect((await call(`${url}/-/ready`)).status).toBe(503);
    });

    it('answers a route on GET and HEAD alike, whatever the case, with or without a trailing slash or query', async () => {
      const { shell, url } = await started();
      shell.get('/metrics', async (_req, res) =>
        sendText(res, 200, 'text/plain; version=0.0.4; charset=utf-8', await Promise.resolve('up 1\n')),
      );
      const type = 'text/plain; version=0.0.4; charset=utf-8';
      for (const path of ['/metrics', '/METRICS', '/metrics/', '/metrics?x=1']) {
        const got = await call(`${url}${path}`);
        expect([path, got.status, got.headers['content-type'], got.body]).toEqual([path, 200, type, 'up 1\n']);
      }
      const head = await call(`${url}/metrics`, 'HEAD');
      expect([head.status, head.headers['content-type'], head.headers['content-length'], head.body]).toEqual([
        200,
        type,
        '5',
        '',
      ]);
    });

    it("answers 404 with express' error page to a path it does not know", async () => {
      const { url } = await started();
      for (const [method, path, text] of [
        ['GET', '/nope?x=1', 'Cannot GET /nope'],
        ['GET', '/metrics', 'Cannot GET /metrics'],
        ['GET', '/-/healthy//', 'Cannot GET /-/healthy//'],
        ['POST', '/', 'Cannot POST /'],
      ] as const) {
        const got = await call(`${url}${path}`, method);
        expect([got.status, got.headers['content-type'], got.headers['x-content-type-options'], got.body]).toEqual([
          404,
          'text/html; charset=utf-8',
          'nosniff',
          errorPageHtml(text),
        ]);
      }
      expect((await call(`${url}/nope`, 'HEAD')).status).toBe(404);
    });

    it('fails to start, naming the address, when the port is taken', async () => {
      const { shell } = await started();
      const again = await start(shell.server.address);
      if (again.ok) running.push(again.value);
      expect(again).toEqual({ ok: false, error: `cannot listen on ${shell.server.address}: address already in use` });
    });

    it('serves HTTPS from web.tls files and refuses to start with a bad key', async () => {
      const pair = selfSignedCertificate({ commonName: 'localhost', altNames: ['127.0.0.1'] });
      const certFile = join(dir, 'shell.crt');
      const keyFile = join(dir, 'shell.key');
      await writeFile(certFile, pair.cert);
      await writeFile(keyFile, pair.key);
      const { shell, url } = await started('127.0.0.1:0', { certFile, keyFile });
      expect(shell.server.scheme).toBe('https');
      const got = await call(`${url}/-/healthy`, 'GET', pair.cert);
      expect([got.status, got.body]).toEqual([200, 'kubepulse is Healthy.\n']);
      const bad = await start('127.0.0.1:0', { certFile, keyFile: join(dir, 'missing.key') });
      expect(bad).toEqual({ ok: false, error: `TLS key ${join(dir, 'missing.key')}: no such file` });
    });

    it('serves a renewed certificate to new connections, and keeps the running one when the files are broken', async () => {
      const first = selfSignedCertificate({ commonName: 'first', altNames: ['127.0.0.1'] });
      const second = selfSignedCertificate({ commonName: 'second', altNames: ['127.0.0.1'] });
      const certFile = join(dir, 'reload.crt');
      const keyFile = join(dir, 'reload.key');
      await writeFile(certFile, first.cert);
      await writeFile(keyFile, first.key);
      const warnings: string[] = [];
      const logger = createLogger({ level: 'warn', format: 'json', write: (l) => void warnings.push(l) });
      const { url: base } = await started('127.0.0.1:0', { certFile, keyFile }, { logger, tlsReloadIntervalMs: 50 });
      const url = `${base}/-/healthy`;
      const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
      const until = async (want: string): Promise<void> => {
        for (let i = 0; i < 100 && (await servedFingerprint(url)) !== want; i++)
          await new Promise((r) => setTimeout(r, 30));
        expect(await servedFingerprint(url)).toBe(want);
      };
      expect(await servedFingerprint(url)).toBe(fp(first.cert));
      // Half-way through a rotation: the new certificate with the old key. Not taken; reported once.
      await writeFile(certFile, second.cert);
      for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 30));
      expect(warnings.join('')).toContain(`TLS key ${keyFile} does not belong to the certificate in ${certFile}`);
      expect(await servedFingerprint(url)).toBe(fp(first.cert));
      await writeFile(keyFile, second.key);
      await until(fp(second.cert));
    });
  });
}
