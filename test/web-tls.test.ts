/**
 * The real `kubepulse hub` process: web.tls puts the main listener on HTTPS,
 * metricsApi (authentication none) serves metrics.k8s.io on its own HTTPS port
 * with a self-signed certificate, and misconfigurations stop the start with a
 * message naming the setting or file.
 */
import { spawn } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../collector/http/tls.js';
import { CLI, freePort, runCli, tempDir } from './support/cli.js';
import { eventually } from './support/eventually.js';

let dir: string;
const pair = selfSignedCertificate({ commonName: 'localhost', altNames: ['127.0.0.1', 'localhost'] });

beforeAll(async () => {
  dir = await tempDir('kubepulse-webtls-');
  await writeFile(join(dir, 'tls.crt'), pair.cert);
  await writeFile(join(dir, 'tls.key'), pair.key);
});

const fetchTls = (
  url: string,
  ca?: string,
): Promise<{ status: number; body: string; cert: X509Certificate | undefined }> =>
  new Promise((resolve, reject) => {
    get(url, { ...(ca ? { ca } : { rejectUnauthorized: false }), agent: false }, (res) => {
      let body = '';
      const cert = (res.socket as TLSSocket).getPeerX509Certificate();
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
    }).on('error', reject);
  });

async function waitReady(url: string, ca: string | undefined, stderr: () => string): Promise<void> {
  await eventually(`${url} to be ready`, async () => ((await fetchTls(url, ca)).status === 200 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 150,
    detail: stderr,
  });
}

describe('kubepulse hub over HTTPS', () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the main port with web.tls and metrics.k8s.io on its own self-signed HTTPS port', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const config = join(dir, 'hub.yaml');
    await writeFile(
      config,
      [
        'kube: { mode: "off" }',
        `web: { tls: { certFile: ${join(dir, 'tls.crt')}, keyFile: ${join(dir, 'tls.key')} } }`,
        `metricsApi: { listen: "127.0.0.1:${metricsPort}", authentication: none }`,
        '',
      ].join('\n'),
    );
    let stderr = '';
    child = spawn(
      process.execPath,
      [
        CLI,
        'hub',
        '--config',
        config,
        '--listen',
        `127.0.0.1:${port}`,
        '--data-dir',
        join(dir, 'data'),
        '--log-level',
        'info',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await waitReady(`https://127.0.0.1:${port}/-/ready`, pair.cert, () => stderr);

    const health = await fetchTls(`https://127.0.0.1:${port}/-/healthy`, pair.cert);
    expect(health.body).toBe('kubepulse is Healthy.\n');
    // Plain HTTP on the TLS port is not answered as HTTP.
    await expect(fetch(`http://127.0.0.1:${port}/-/healthy`).then((r) => r.status)).rejects.toThrow();

    await waitReady(`https://127.0.0.1:${metricsPort}/readyz`, undefined, () => stderr);
    const discovery = await fetchTls(`https://127.0.0.1:${metricsPort}/apis/metrics.k8s.io/v1beta1`);
    expect(JSON.parse(discovery.body)).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'metrics.k8s.io/v1beta1',
    });
    // The self-signed certificate names the Service and localhost.
    expect(discovery.cert?.checkHost('kubepulse-hub.kubepulse.svc')).toBe('kubepulse-hub.kubepulse.svc');
    expect(discovery.cert?.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect((await fetchTls(`https://127.0.0.1:${metricsPort}/apis/metrics.k8s.io/v1beta1/nodes`)).status).toBe(200);
    expect(stderr).toContain('metrics.k8s.io aggregated API listening');
  });

  /** `kubepulse hub` with this config file, run to completion (these configurations stop it at start). */
  const runHub = async (config: string, dataDir: string) =>
    runCli(['hub', '--config', config, '--listen', `127.0.0.1:${await freePort()}`, '--data-dir', join(dir, dataDir)]);

  it('refuses to start when the web.tls key is missing, naming the file', async () => {
    const config = join(dir, 'bad-tls.yaml');
    await writeFile(
      config,
      `kube: { mode: "off" }\nweb: { tls: { certFile: ${join(dir, 'tls.crt')}, keyFile: ${join(dir, 'missing.key')} } }\n`,
    );
    const r = await runHub(config, 'data-2');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`TLS key ${join(dir, 'missing.key')}: no such file`);
  });

  it('refuses requestheader authentication without a cluster to ask, naming the settings', async () => {
    const config = join(dir, 'no-kube.yaml');
    await writeFile(config, `kube: { mode: "off" }\nmetricsApi: { listen: "127.0.0.1:${await freePort()}" }\n`);
    const r = await runHub(config, 'data-3');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('metricsApi.authentication is requestheader');
    expect(r.stderr).toContain('kube.mode');
  });
});
