import { createServer } from 'node:http';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, runCli, startDaemon, tempDir, type Daemon } from './support/cli.js';

const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL')));
});

describe('kubepulse CLI', () => {
  it('prints its version and the command list', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^kubepulse \d+\.\d+\.\d+ \(node v2[2-9]/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('start ');
  });

  it('gives help for a subcommand and rejects unknown flags and commands with usage errors', async () => {
    const help = await runCli(['start', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--listen=<host:port>');
    const flag = await runCli(['start', '--fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("kubepulse: Unknown option '--fast' (see 'kubepulse start --help')\n");
    const cmd = await runCli(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
  });

  it('rejects a bad config file naming file, line and key', async () => {
    const dir = await tempDir();
    const file = join(dir, 'kubepulse.yaml');
    await writeFile(file, 'listen: 127.0.0.1:0\npipelines:\n  full:\n    interval: fast\n');
    const r = await runCli(['start', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4: pipelines.full.interval: expected a duration like "30s", got "fast"`);
  });

  it('serves health, readiness and metrics, and exits 0 on SIGTERM after in-flight requests finish', async () => {
    const port = await freePort();
    const dir = await tempDir();
    const d = await startDaemon(['start', '--listen', `127.0.0.1:${port}`, '--data-dir', dir, '--log-format', 'json'], port);
    daemons.push(d);
    expect(await fetch(`${d.baseUrl}/-/healthy`).then((r) => r.text())).toBe('kubepulse is Healthy.\n');
    const metrics = await fetch(`${d.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(metrics).toMatch(/^kubepulse_/m);

    // Keep a request in flight across the SIGTERM: it must still complete. It goes on a
    // connection of its own (a pooled idle keep-alive socket may rightly be closed by the
    // shutdown), and the signal is sent only once the server has the request.
    const { get } = await import('node:http');
    let sent!: () => void;
    const written = new Promise<void>((r) => (sent = r));
    const slow = new Promise<number>((resolve, reject) => {
      const req = get(`${d.baseUrl}/metrics`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('finish', sent);
      req.on('error', reject);
    });
    await written;
    await new Promise((r) => setTimeout(r, 20));
    const code = await d.stop('SIGTERM');
    expect(await slow).toBe(200);
    expect(code).toBe(0);
    const lines = d.output().stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['kubepulse started', 'shutting down', 'stopped']));
  });

  it('fails with one clear line when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const r = await runCli(['start', '--listen', `127.0.0.1:${port}`, '--data-dir', await tempDir()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`kubepulse: cannot listen on 127.0.0.1:${port}: address already in use\n`);
    } finally {
      blocker.close();
    }
  });

  it('fails with one clear line when the data directory is unusable', async () => {
    const file = join(await tempDir(), 'not-a-dir');
    await writeFile(file, 'x');
    const r = await runCli(['start', '--listen', '127.0.0.1:0', '--data-dir', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kubepulse: cannot use data directory ${file}: exists and is not a directory\n`);
  });
});

describe('kubepulse tools', () => {
  it('promql test reports per-file counts and fails on a wrong expectation', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.test');
    const bad = join(dir, 'bad.test');
    const load = 'load 30s\n  container_cpu_usage_seconds_total{namespace="shop",pod="api-0"} 0+15x20\n\n';
    await writeFile(good, `${load}eval instant at 10m rate(container_cpu_usage_seconds_total[5m])\n  {namespace="shop",pod="api-0"} 0.5\n`);
    await writeFile(bad, `${load}eval instant at 10m rate(container_cpu_usage_seconds_total[5m])\n  {namespace="shop",pod="api-0"} 7\n`);
    const ok = await runCli(['promql', 'test', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${good}: 1 passed, 0 failed, 0 skipped`);
    const fail = await runCli(['promql', 'test', good, bad]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain(`${bad}: 0 passed, 1 failed, 0 skipped`);
    expect(fail.stdout).toContain(`FAIL ${bad}:4:`);
  });

  it('alertmanager check-config accepts a good file and names the error in a bad one', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.yml');
    const bad = join(dir, 'bad.yml');
    await writeFile(good, 'route:\n  receiver: team\nreceivers:\n  - name: team\n');
    await writeFile(bad, 'route:\n  receiver: nobody\nreceivers:\n  - name: team\n');
    const ok = await runCli(['alertmanager', 'check-config', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('SUCCESS');
    const fail = await runCli(['alertmanager', 'check-config', bad]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('undefined receiver "nobody" used in route');
  });
});

describe('kubepulse grafana generate', () => {
  it('writes the dashboards and provisioning files Grafana loads', async () => {
    const out = await tempDir('kp-grafana-');
    const r = await runCli(['grafana', 'generate', '--out', out, '--hub-url', 'http://hub.example:9470']);
    expect(r.code).toBe(0);
    const { readFile, readdir } = await import('node:fs/promises');
    const dashboards = await readdir(join(out, 'dashboards'));
    expect(dashboards.length).toBeGreaterThanOrEqual(3);
    for (const f of dashboards) expect(JSON.parse(await readFile(join(out, 'dashboards', f), 'utf8'))).toHaveProperty('panels');
    expect(await readFile(join(out, 'provisioning/datasources/kubepulse.yaml'), 'utf8')).toContain('http://hub.example:9470');
  });
});
