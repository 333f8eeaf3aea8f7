/**
 * The dashboard in a real headless Chromium against a real `kubepulse start`:
 * the charts render with data points from this machine and the page logs no
 * console errors. A screenshot is kept in test-artifacts/ for people to look at.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, startDaemon, tempDir, type Daemon } from './support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
// The flags this machine needs: no sandbox as root, and no background
// networking, whose connections the closed network would refuse.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let daemon: Daemon;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  daemon = await startDaemon(
    ['start', '--listen', `127.0.0.1:${port}`, '--data-dir', await tempDir(), '--resource-interval', '1s', '--full-interval', '1s', '--log-level', 'warn'],
    port,
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

describe('dashboard', () => {
  it('renders CPU and memory charts with live data and no console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(daemon.baseUrl + '/');

    // rate() needs two samples; at a 1 s interval the CPU chart fills within seconds.
    for (const id of ['cpu', 'memory']) {
      await page.waitForFunction(
        (panel) => Number(document.querySelector(`[data-panel="${panel}"]`)?.getAttribute('data-points') ?? 0) > 1,
        id,
        { timeout: 30_000, polling: 250 },
      );
    }
    // Live: the page refreshes by itself and the number of points grows.
    const points = () => page.locator('[data-panel="memory"]').getAttribute('data-points').then(Number);
    const before = await points();
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes) > n, await page.evaluate(() => Number(document.body.dataset.refreshes)), {
      timeout: 40_000,
    });
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-panel="memory"]')?.getAttribute('data-points')) > n,
      before,
      { timeout: 40_000 },
    );

    // The canvas really has pixels drawn on it (not a blank chart).
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector('[data-panel="cpu"] canvas') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
    expect(await page.locator('[data-panel="memory"] .now').textContent()).toMatch(/% used$/);
    expect(await page.locator('#error').isHidden()).toBe(true);

    const dir = join(REPO_ROOT, 'test-artifacts');
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 150_000);
});

describe('dashboard output escaping', () => {
  it('shows label values and annotations as text, never as markup', async () => {
    // A label value with markup arrives through the remote-write receiver, as any cluster data could.
    const { encodeWriteRequest, snappyCompress } = await import('../collector/remote/index.js');
    const evil = '<img src=x onerror="window.__pwned=1">';
    const body = snappyCompress(
      encodeWriteRequest({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'container_memory_working_set_bytes' },
              { name: 'container', value: evil },
              { name: 'namespace', value: 'shop' },
              { name: 'pod', value: 'api-0' },
            ],
            samples: [{ value: 5e9, timestamp: Date.now() }],
            exemplars: [],
            histograms: [],
          },
        ],
        metadata: [],
      }),
    );
    const res = await fetch(`${daemon.baseUrl}/api/v1/write`, {
      method: 'POST',
      body: Buffer.from(body),
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    });
    expect(res.status).toBe(204);
    const page = await browser.newPage();
    await page.goto(daemon.baseUrl + '/');
    await page.waitForFunction(() => Number(document.body.dataset.refreshes) > 0, undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
  });
});
