/**
 * The collector keeps appending while the hub is unreachable; when the hub
 * comes back every sample appended meanwhile arrives, in order, and the
 * retries are counted. The outage here lasts 15 s to keep the suite quick; the
 * mechanism does not depend on its length: samples wait in the on-disk queue
 * (bounded only by maxQueueBytes, default 1 GiB) and the senders retry with a
 * backoff capped at maxBackoffMs for as long as it takes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { createRemoteWriteClient, type RemoteWriteClient } from '../collector/remote/index.js';
import { startTestHub, storedSamples, waitFor, type TestHub } from './support/remote-write-hub.js';

const OUTAGE_MS = 15_000;
const APPEND_EVERY_MS = 50;
const SERIES = [0, 1, 2].map((i) => ({ __name__: 'outage_test', node: `n${i}` }));

let hub: TestHub | undefined;
let client: RemoteWriteClient | undefined;
let queueDir = '';
afterEach(async () => {
  await client?.close(1000);
  await hub?.stop();
  if (queueDir) await rm(queueDir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const key = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

it('delivers every sample appended during a hub outage once the hub is back on the same port', async () => {
  hub = await startTestHub();
  queueDir = await mkdtemp(path.join(tmpdir(), 'kp-outage-'));
  const registry = new Registry();
  const c = createRemoteWriteClient({
    url: hub.url,
    queueDir,
    batchSendDeadlineMs: 100,
    minBackoffMs: 30,
    maxBackoffMs: 1000,
    timeoutMs: 2000,
    registry,
  });
  client = c;
  const appended: { t: number; v: number }[] = [];
  let step = 0;
  let running = true;
  const appendLoop = (async () => {
    while (running) {
      const t = 1_700_000_000_000 + step * 1000;
      const v = step * 0.5;
      const app = c.appender();
      for (const s of SERIES) app.append(s, t, v);
      const r = await app.commit();
      if (!r.ok) throw r.error;
      appended.push({ t, v });
      step++;
      await sleep(APPEND_EVERY_MS);
    }
  })();

  await sleep(2000);
  await waitFor(() => c.stats().sentSamples > 0, 'delivery before the outage');
  await hub.stopHttp();
  const firstDuringOutage = appended.length;
  await sleep(OUTAGE_MS);
  const lastDuringOutage = appended.length;
  const during = c.stats();
  // While the hub is down the samples pile up in the queue and the senders keep retrying.
  expect(during.pendingSamples).toBeGreaterThanOrEqual((lastDuringOutage - firstDuringOutage - 1) * SERIES.length);
  expect(during.retriedSamples).toBeGreaterThan(0);
  expect(during.queueBytes).toBeGreaterThan(0);

  await hub.startHttp();
  await sleep(2000);
  running = false;
  await appendLoop;
  await waitFor(() => c.stats().pendingSamples === 0, 'the queue to drain after the outage', 30_000);

  const stored = storedSamples(hub.db, 'outage_test');
  for (const s of SERIES) expect(stored.get(key(s))).toEqual(appended);
  expect(lastDuringOutage - firstDuringOutage).toBeGreaterThan(OUTAGE_MS / APPEND_EVERY_MS / 4);
  const after = c.stats();
  expect(after).toMatchObject({ sentSamples: appended.length * SERIES.length, failedSamples: 0, droppedSamples: 0 });
  expect(await registry.metrics()).toMatch(/kubepulse_remote_write_retried_samples_total\{url="[^"]+"\} [1-9]/);
}, 50_000);
