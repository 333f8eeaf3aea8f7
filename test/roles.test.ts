/**
 * The deployed shape on one machine: `kubepulse collector` remote-writes this
 * node's metrics through its disk queue into `kubepulse hub`, whose PromQL API
 * answers for them. Real processes, real HTTP.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startDaemon, tempDir, type Daemon } from './support/cli.js';
import { eventually } from './support/eventually.js';

const daemons: Daemon[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
});

/** A collector at 1 s intervals that remote-writes into the hub at `hubUrl`, as node `node`. */
async function startCollector(dir: string, hubUrl: string, node: string, extra: readonly string[] = []): Promise<Daemon> {
  const port = await freePort();
  const collector = await startDaemon(
    [
      'collector',
      ...extra,
      '--listen', `127.0.0.1:${port}`,
      '--data-dir', join(dir, `collector-${node}`),
      '--resource-interval', '1s',
      '--full-interval', '1s',
      '--remote-write-url', `${hubUrl}/api/v1/write`,
      '--node-name', node,
    ],
    port,
  );
  daemons.push(collector);
  return collector;
}

describe('collector → hub', () => {
  it('delivers node and container series into the hub, labelled with the node', async () => {
    const dir = await tempDir('kp-roles-');
    await writeFile(join(dir, 'hub.yaml'), 'kube: { mode: "off" }\nrules: { shippedPack: false }\n');
    const hubPort = await freePort();
    const hub = await startDaemon(['hub', '--config', join(dir, 'hub.yaml'), '--listen', `127.0.0.1:${hubPort}`, '--data-dir', join(dir, 'hub')], hubPort);
    daemons.push(hub);
    const collector = await startCollector(dir, hub.baseUrl, 'node-a');

    type Vector = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    const result = await eventually('node_memory_MemTotal_bytes in the hub', async () => {
      const r = (await (await fetch(`${hub.baseUrl}/api/v1/query?query=node_memory_MemTotal_bytes`)).json()) as Vector;
      return r.data.result.length > 0 ? r.data.result : undefined;
    });
    expect(result[0]?.metric).toEqual({ __name__: 'node_memory_MemTotal_bytes', job: 'node', instance: 'node-a' });
    expect(Number(result[0]?.value[1])).toBeGreaterThan(0);
    // The collector's own /metrics shows what it collects, as node-exporter would.
    const text = await (await fetch(`${collector.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^node_load1 /m);
    expect(text).toMatch(/^kubepulse_remote_write_/m);
  });

  it('a hub with web.writeAuth takes remote write only from a collector with the credentials', async () => {
    const dir = await tempDir('kp-roles-auth-');
    await writeFile(join(dir, 'password'), 'pa55word\n');
    await writeFile(
      join(dir, 'hub.yaml'),
      `kube: { mode: "off" }\nrules: { shippedPack: false }\nweb:\n  writeAuth: { username: collector, passwordFile: ${JSON.stringify(join(dir, 'password'))} }\n`,
    );
    const hubPort = await freePort();
    const hub = await startDaemon(['hub', '--config', join(dir, 'hub.yaml'), '--listen', `127.0.0.1:${hubPort}`, '--data-dir', join(dir, 'hub')], hubPort);
    daemons.push(hub);
    const denied = await fetch(`${hub.baseUrl}/api/v1/write`, { method: 'POST', body: 'x', headers: { 'Content-Encoding': 'snappy' } });
    expect(denied.status).toBe(401);

    await writeFile(
      join(dir, 'collector.yaml'),
      `remoteWrite: { username: collector, passwordFile: ${JSON.stringify(join(dir, 'password'))} }\n`,
    );
    const collector = await startCollector(dir, hub.baseUrl, 'node-auth', ['--config', join(dir, 'collector.yaml')]);
    type Vector = { data: { result: unknown[] } };
    await eventually('the authenticated collector\'s samples in the hub', async () => {
      const r = (await (await fetch(`${hub.baseUrl}/api/v1/query?query=node_memory_MemTotal_bytes{instance="node-auth"}`)).json()) as Vector;
      return r.data.result.length > 0 ? true : undefined;
    });
    // The password is a secret: it appears in neither process' logs.
    expect(hub.output().stdout + hub.output().stderr + collector.output().stdout + collector.output().stderr).not.toContain('pa55word');
  });

  it('refuses to start a hub whose write credentials cannot be read, naming the file', async () => {
    const dir = await tempDir('kp-roles-auth-');
    await writeFile(join(dir, 'hub.yaml'), `kube: { mode: "off" }\nweb:\n  writeAuth: { bearerTokenFile: ${JSON.stringify(join(dir, 'missing'))} }\n`);
    const r = await runCli(['hub', '--config', join(dir, 'hub.yaml'), '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'hub')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`web.writeAuth.bearerTokenFile: cannot read ${join(dir, 'missing')}: ENOENT`);
  });

  it('refuses to start a collector whose scrape CA file cannot be read, naming it', async () => {
    const dir = await tempDir('kp-roles-tls-');
    await writeFile(join(dir, 'collector.yaml'), `scrape:\n  tls: { caFile: ${JSON.stringify(join(dir, 'ca.pem'))} }\n`);
    const r = await runCli(['collector', '--config', join(dir, 'collector.yaml'), '--listen', '127.0.0.1:0', '--data-dir', dir, '--remote-write-url', 'http://127.0.0.1:1/api/v1/write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kubepulse: scrape.tls: cannot read CA file ${join(dir, 'ca.pem')}: ENOENT`);
  });

  it('refuses to start a collector without somewhere to send samples', async () => {
    const r = await runCli(['collector', '--listen', '127.0.0.1:0', '--data-dir', await tempDir()], { KUBEPULSE_REMOTE_WRITE_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('remoteWrite.url');
  });
});
