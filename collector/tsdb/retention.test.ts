import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openTsdb } from './index.js';
import type { HeadTsdb } from './tsdb.js';

const H = 3_600_000;

it('enforceRetention deletes blocks that aged past retention while no samples arrived', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kp-retention-'));
  const opened = await openTsdb({ dir, retentionMs: 3 * H });
  if (!opened.ok) throw opened.error;
  const tsdb = opened.value as HeadTsdb;
  const app = tsdb.appender();
  for (let t = 0; t <= 4 * H; t += 60_000) app.append({ __name__: 'up', job: 'x' }, t, 1);
  expect((await app.commit()).ok).toBe(true);
  await tsdb.settled();
  // The head spanned 4 h: [0, 2h) was persisted and, 2 h old at that time, kept.
  expect(tsdb.blocks.map((b) => [b.meta.minTime, b.meta.maxTime])).toEqual([[0, 2 * H]]);
  await tsdb.enforceRetention(4 * H);
  expect(tsdb.blocks.length).toBe(1);
  // Ten hours on, with nothing appended since, the block is beyond 3 h of retention.
  await tsdb.enforceRetention(10 * H);
  expect(tsdb.blocks.length).toBe(0);
  await tsdb.close();
});
