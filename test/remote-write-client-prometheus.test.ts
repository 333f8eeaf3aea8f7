/**
 * Our remote-write client against the real Prometheus (its remote-write
 * receiver, --web.enable-remote-write-receiver): every sample arrives with its
 * order per series intact, and a batch Prometheus refuses (400, out of order)
 * is dropped and counted while the next batches still go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteWriteClient, type RemoteWriteClient } from '../collector/remote/index.js';
import { scrapeSelfConfig, startPrometheus, type RunningPrometheus } from './support/prometheus.js';
import { waitFor } from './support/remote-write-hub.js';

let prom: RunningPrometheus;
let client: RemoteWriteClient;
let queueDir: string;

beforeAll(async () => {
  prom = await startPrometheus({
    config: scrapeSelfConfig({ intervalS: 15 }),
    flags: ['--web.enable-remote-write-receiver'],
  });
  queueDir = await mkdtemp(path.join(tmpdir(), 'kp-rw-prom-'));
  client = createRemoteWriteClient({
    url: `${prom.url}/api/v1/write`,
    queueDir,
    shards: 4,
    maxSamplesPerSend: 50,
    batchSendDeadlineMs: 50,
  });
});

afterAll(async () => {
  await client?.close(2000);
  await prom?.stop();
  if (queueDir) await rm(queueDir, { recursive: true, force: true });
});

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];
async function rangeOf(selector: string, atMs: number): Promise<Matrix> {
  const body = (await prom.getJson(`/api/v1/query?query=${encodeURIComponent(selector)}&time=${atMs / 1000}`)) as {
    status: string;
    data: { resultType: string; result: Matrix };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

describe('remote-write client to a real Prometheus', () => {
  it('delivers every sample, in order per series', async () => {
    // Prometheus only takes samples near its head's time range, so the samples are from the last two minutes.
    const start = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    const pods = Array.from({ length: 8 }, (_, i) => `p${i}`);
    for (let step = 0; step < 100; step++) {
      const app = client.appender();
      for (const [i, pod] of pods.entries())
        app.append({ __name__: 'rw_client_test', pod, job: 'kp' }, start + step * 1000, step * 1.25 + i);
      const r = await app.commit();
      expect(r.ok).toBe(true);
    }
    await waitFor(() => client.stats().pendingSamples === 0, 'the queue to drain', 30_000);
    expect(client.stats()).toMatchObject({ sentSamples: 800, failedSamples: 0 });

    const result = await rangeOf('rw_client_test[5m]', start + 100_000);
    expect(result).toHaveLength(8);
    for (const series of result) {
      const i = pods.indexOf(series.metric.pod ?? '');
      expect(series.metric).toEqual({ __name__: 'rw_client_test', job: 'kp', pod: pods[i] });
      const want = Array.from({ length: 100 }, (_, step) => [(start + step * 1000) / 1000, String(step * 1.25 + i)]);
      expect(series.values).toEqual(want);
    }
  });

  it('drops and counts a batch Prometheus refuses, then keeps sending', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const labels = { __name__: 'rw_client_refused', job: 'kp' };
    const commit = async (t: number, v: number): Promise<void> => {
      const app = client.appender();
      app.append(labels, t, v);
      expect((await app.commit()).ok).toBe(true);
    };
    const failedBefore = client.stats().failedSamples;
    await commit(now - 10_000, 1);
    await waitFor(() => client.stats().pendingSamples === 0, 'the first sample');
    await commit(now - 20_000, 2); // older than the stored one: out of order
    await waitFor(() => client.stats().failedSamples === failedBefore + 1, 'the refused sample to be counted', 30_000);
    await commit(now - 5_000, 3);
    await waitFor(() => client.stats().pendingSamples === 0, 'the last sample');
    const result = await rangeOf('rw_client_refused[1m]', now);
    expect(result[0]?.values).toEqual([
      [(now - 10_000) / 1000, '1'],
      [(now - 5_000) / 1000, '3'],
    ]);
  });
});
