import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, loadConfig } from './load.js';

async function fileWith(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-config-'));
  const file = join(dir, 'kubepulse.yaml');
  await writeFile(file, text);
  return file;
}

describe('loadConfig', () => {
  it('gives defaults without a file', async () => {
    const r = await loadConfig(undefined, []);
    expect(r.ok && r.value).toMatchObject({ listen: '127.0.0.1:9470', dataDir: './data', pipelines: { resource: { interval: 15_000 }, full: { interval: 30_000 } } });
  });

  it('names file, line and key of a bad duration', async () => {
    const file = await fileWith('listen: 127.0.0.1:9000\n\npipelines:\n  full:\n    interval: fast\n');
    const r = await loadConfig(file, []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${file}:5: pipelines.full.interval: expected a duration like "30s", got "fast"`);
  });

  it('rejects unknown keys at their line', async () => {
    const file = await fileWith('log:\n  level: info\n  colour: red\n');
    const r = await loadConfig(file, []);
    expect(!r.ok && r.error.message).toBe(`${file}:3: log: unknown key "colour"`);
  });

  it('names every problem, each at its line, in the order of the schema', async () => {
    const file = await fileWith(
      'kubelet:\n  port: 0\nlog:\n  level: loud\n  colour: red\n  shade: dark\nremoteWrite:\n  url: hub\n',
    );
    const r = await loadConfig(file, []);
    expect(!r.ok && r.error.message.split('\n')).toEqual([
      `${file}:4: log.level: Invalid option: expected one of "debug"|"info"|"warn"|"error"`,
      `${file}:5: log: unknown keys "colour", "shade"`,
      `${file}:2: kubelet.port: Too small: expected number to be >=1`,
      `${file}:8: remoteWrite.url: expected an http(s) URL such as "http://kubepulse-hub:9470/api/v1/write"`,
    ]);
  });

  it('reports YAML syntax errors with the line', async () => {
    const file = await fileWith('listen: "127.0.0.1:1\nother: [\n');
    const r = await loadConfig(file, []);
    expect(!r.ok && r.error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });

  it('lets environment and flags override the file, and names them in errors', async () => {
    const file = await fileWith('dataDir: /var/lib/x\nlog: { level: warn }\n');
    const good = await loadConfig(file, [...envOverrides({ KUBEPULSE_LOG_LEVEL: 'debug' }), { path: ['dataDir'], value: '/tmp/y', origin: 'flag --data-dir' }]);
    expect(good.ok && good.value).toMatchObject({ dataDir: '/tmp/y', log: { level: 'debug' } });
    const bad = await loadConfig(file, envOverrides({ KUBEPULSE_RESOURCE_INTERVAL: 'soon' }));
    expect(!bad.ok && bad.error.message).toBe(
      'environment variable KUBEPULSE_RESOURCE_INTERVAL: pipelines.resource.interval: expected a duration like "15s", got "soon"',
    );
  });

  it('rejects a bad listen address', async () => {
    const r = await loadConfig(undefined, [{ path: ['listen'], value: 'localhost', origin: 'flag --listen' }]);
    expect(!r.ok && r.error.message).toBe('flag --listen: listen: expected host:port such as "127.0.0.1:9470"');
  });

  it('names a missing file', async () => {
    const r = await loadConfig('/nonexistent/kubepulse.yaml', []);
    expect(!r.ok && r.error.message).toBe('/nonexistent/kubepulse.yaml: cannot read config file: ENOENT');
  });
});
