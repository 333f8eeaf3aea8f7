import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import type { RunningServer } from './server.js';
import { call, describeHttpShell, errorPageHtml } from './shell.case.js';
import { startPlainHttpShell, type PlainHttpShell } from './plain-shell.js';
import { sendText } from './route.js';

describeHttpShell('plain HTTP shell (collector)', startPlainHttpShell);

describe('plain HTTP shell, beyond what the express shell promises', () => {
  const running: RunningServer[] = [];
  afterEach(async () => void (await Promise.all(running.splice(0).map((s) => s.close(1000)))));
  const lines: string[] = [];
  const started = async (): Promise<{ shell: PlainHttpShell; url: string }> => {
    lines.length = 0;
    const logger = createLogger({ level: 'info', format: 'json', write: (l) => void lines.push(l) });
    const shell = await startPlainHttpShell('127.0.0.1:0', undefined, { logger });
    if (!shell.ok) throw new Error(shell.error);
    running.push(shell.value.server);
    return { shell: shell.value, url: `http://${shell.value.server.address}` };
  };

  it('answers 405 with Allow to a method a path does not take, and OPTIONS as express did', async () => {
    const { url } = await started();
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const got = await call(`${url}/-/healthy`, method);
      expect([got.status, got.headers.allow, got.body]).toEqual([
        405,
        'GET, HEAD',
        errorPageHtml(`Cannot ${method} /-/healthy`),
      ]);
    }
    const options = await call(`${url}/-/healthy`, 'OPTIONS');
    expect([options.status, options.headers.allow, options.headers['content-type'], options.body]).toEqual([
      200,
      'GET, HEAD',
      'text/plain',
      'GET, HEAD',
    ]);
  });

  it('answers 500 to a handler that throws or rejects, logs it, and goes on serving', async () => {
    const { shell, url } = await started();
    shell.get('/sync', () => {
      throw new Error('sync failure');
    });
    shell.get('/async', async () => Promise.reject(new Error('async failure')));
    for (const path of ['/sync', '/async']) {
      const got = await call(`${url}${path}`);
      expect([got.status, got.headers['content-type'], got.body]).toEqual([
        500,
        'text/html; charset=utf-8',
        errorPageHtml('Internal Server Error'),
      ]);
    }
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => [l.level, l.msg, l.component, l.path, l.error])).toEqual([
      ['error', 'HTTP handler failed', 'web', '/sync', 'sync failure'],
      ['error', 'HTTP handler failed', 'web', '/async', 'async failure'],
    ]);
    expect((await call(`${url}/-/healthy`)).status).toBe(200);
  });

  it('cuts the connection when a handler fails after its status line is out', async () => {
    const { shell, url } = await started();
    shell.get('/half', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('failed half-way');
    });
    await expect(call(`${url}/half`)).rejects.toThrow();
    expect(lines.join('')).toContain('failed half-way');
    expect((await call(`${url}/-/healthy`)).status).toBe(200);
  });

  it('lets a later route replace one on the same path', async () => {
    const { shell, url } = await started();
    shell.get('/x', (_req, res) => sendText(res, 200, 'text/plain', 'first'));
    shell.get('/X/', (_req, res) => sendText(res, 200, 'text/plain', 'second'));
    expect((await call(`${url}/x`)).body).toBe('second');
  });
});
