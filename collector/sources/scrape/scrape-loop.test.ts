import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../source.js';
import { hashOffset, runScrapeLoop } from './scrape-loop.js';
import { ScrapeTarget } from './scrape-target.js';
import { isStaleNaN } from './stale-nan.js';
import { localServers } from './testing/local-servers.js';

const servers = localServers();

async function exporterUrl(): Promise<string> {
  const port = await servers.listen(createServer((_req, res) => res.end('a 1\n')));
  return `http://127.0.0.1:${port}/metrics`;
}

describe('runScrapeLoop', () => {
  it('scrapes at the offset of every interval, then hands over staleness markers', async () => {
    const url = await exporterUrl();
    let now = 1_000_250; // virtual time: sleeping moves it, nothing really waits
    const clock = () => now;
    const target = new ScrapeTarget({ url, job: 'app', timeoutMs: 2_000, clock });
    const stop = new AbortController();
    const scrapedAt: number[] = [];
    let last: Collection | undefined;
    await runScrapeLoop(target, {
      intervalMs: 1_000,
      offsetMs: 100,
      signal: stop.signal,
      clock,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
      onCollection: (c) => {
        last = c;
        if (stop.signal.aborted) return;
        scrapedAt.push(now);
        if (scrapedAt.length === 2) now += 1_500; // this scrape overran: the next slot is skipped
        if (scrapedAt.length === 3) stop.abort();
      },
    });
    expect(scrapedAt).toEqual([1_001_100, 1_002_100, 1_004_100]);
    const stale = last?.samples ?? [];
    expect(stale.map((s) => s.labels.__name__).sort()).toEqual([
      'a',
      'scrape_duration_seconds',
      'scrape_samples_post_metric_relabeling',
      'scrape_samples_scraped',
      'scrape_series_added',
      'up',
    ]);
    expect(stale.every((s) => isStaleNaN(s.value) && s.t === 1_004_100)).toBe(true);
  });

  it('spreads targets over the interval by URL', () => {
    const offsets = new Set(
      Array.from({ length: 50 }, (_, i) => hashOffset(`http://10.0.0.${i}:9100/metrics`, 15_000)),
    );
    expect(offsets.size).toBeGreaterThan(45);
    for (const o of offsets) expect(o >= 0 && o < 15_000).toBe(true);
  });
});
