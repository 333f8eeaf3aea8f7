import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { describeStorage } from './storage.case.js';
import { openTsdb, type Tsdb, type TsdbOptions } from './index.js';
import { eq, re } from './labels/matcher.js';
import type { Labels } from './interface.js';

async function mem(options: TsdbOptions = {}): Promise<Tsdb> {
  const db = await openTsdb(options);
  if (!db.ok) throw db.error;
  return db.value;
}

describeStorage('tsdb (in memory)', () => mem());

function values(db: Tsdb, l: Labels, minT = 0, maxT = 1e13): number[] {
  const out: number[] = [];
  for (const s of db.querier(minT, maxT).select(Object.entries(l).map(([k, v]) => eq(k, v)))) {
    const it = s.samples();
    while (it.next()) out.push(it.at().t);
  }
  return out;
}

describe('tsdb head', () => {
  it('accepts out-of-order samples inside the window and merges them on read', async () => {
    const db = await mem({ outOfOrderWindowMs: 60_000 });
    const app = db.appender();
    for (const t of [100_000, 110_000, 120_000]) app.append({ __name__: 'w' }, t, t);
    await app.commit();
    const late = db.appender();
    expect(late.append({ __name__: 'w' }, 105_000, 1).ok).toBe(true);
    expect(late.append({ __name__: 'w' }, 70_000, 1).ok).toBe(true);
    const tooOld = late.append({ __name__: 'w' }, 59_000, 1);
    expect(!tooOld.ok && tooOld.error.kind).toBe('out_of_bounds');
    // Like Prometheus, an out-of-order sample is not checked against in-order chunks;
    // on read the in-order sample at the same time wins.
    expect(late.append({ __name__: 'w' }, 110_000, -1).ok).toBe(true);
    await late.commit();
    expect(values(db, { __name__: 'w' })).toEqual([70_000, 100_000, 105_000, 110_000, 120_000]);
    const dup = db.appender().append({ __name__: 'w' }, 105_000, 2);
    expect(!dup.ok && dup.error.kind).toBe('duplicate');
    expect(db.stats().outOfOrderSamplesAppended).toBe(3);
    const vals: number[] = [];
    const it = [...db.querier(110_000, 110_000).select([eq('__name__', 'w')])][0]!.samples();
    while (it.next()) vals.push(it.at().v);
    expect(vals).toEqual([110_000]);
  });

  it('treats key order and empty values as the same series', async () => {
    const db = await mem();
    const app = db.appender();
    app.append({ a: '1', b: '2' }, 1000, 1);
    app.append({ b: '2', a: '1', c: '' }, 2000, 2);
    app.append({ a: '1' }, 1000, 3);
    await app.commit();
    expect(db.stats().headStats.numSeries).toBe(2);
    const got = [...db.querier(0, 5000).select([eq('a', '1')])].map((s) => {
      const it = s.samples();
      const vs: number[] = [];
      while (it.next()) vs.push(it.at().v);
      return [JSON.stringify(s.labels), vs];
    });
    expect(got).toEqual([
      ['{"a":"1"}', [3]],
      ['{"a":"1","b":"2"}', [1, 2]],
    ]);
  });

  it('enforces limits with clear messages', async () => {
    const db = await mem({ limits: { maxSeries: 2, maxLabelValueLength: 10, maxLabelsPerSeries: 2 } });
    const app = db.appender();
    expect(app.append({ __name__: 'a' }, 1, 1).ok).toBe(true);
    const long = app.append({ __name__: 'b', pod: 'x'.repeat(11) }, 1, 1);
    expect(!long.ok && long.error.message).toBe(
      'value of label "pod" is 11 characters long, over the limit of 10, in series b{pod="xxxxxxxxxxx"}',
    );
    const many = app.append({ __name__: 'c', a: '1', b: '2' }, 1, 1);
    expect(!many.ok && many.error.kind).toBe('limit_exceeded');
    expect(app.append({ __name__: 'd' }, 1, 1).ok).toBe(true);
    const full = app.append({ __name__: 'e' }, 1, 1);
    expect(!full.ok && full.error.kind).toBe('too_many_series');
    expect(!full.ok && full.error.message).toMatch(/already holds 2 series/);
    const empty = app.append({}, 1, 1);
    expect(!empty.ok && empty.error.kind).toBe('invalid_labels');
    await app.commit();
  });

  it('deletes with tombstones applied on read', async () => {
    const db = await mem();
    const app = db.appender();
    for (let t = 0; t < 10; t++) {
      app.append({ __name__: 'del', pod: 'a' }, t * 1000, t);
      app.append({ __name__: 'del', pod: 'b' }, t * 1000, t);
    }
    await app.commit();
    const r = await db.deleteSeries([eq('pod', 'a')], 2000, 7000);
    expect(r.ok && r.value).toBe(1);
    expect(values(db, { pod: 'a' })).toEqual([0, 1000, 8000, 9000]);
    expect(values(db, { pod: 'b' })).toHaveLength(10);
    await db.deleteSeries([eq('pod', 'a')], 0, 10_000);
    expect([...db.querier(0, 1e9).select([eq('__name__', 'del')])].map((s) => s.labels.pod)).toEqual(['b']);
    const bad = await db.deleteSeries([re('pod', '[')], 0, 1);
    expect(bad.ok).toBe(false);
  });

  it('reports status statistics and self-metrics', async () => {
    const registry = new Registry();
    const db = await mem({ registry });
    const app = db.appender();
    for (let i = 0; i < 5; i++) app.append({ __name__: 'cpu', pod: `p${i}` }, 1000, i);
    app.append({ __name__: 'mem', pod: 'p0' }, 2000, 1);
    await app.commit();
    db.appender().append({ __name__: 'cpu', pod: 'p0' }, 1000, 99);
    const st = db.stats();
    expect(st.headStats).toEqual({ numSeries: 6, numLabelPairs: 7, chunkCount: 6, minTime: 1000, maxTime: 2000 });
    expect(st.seriesCountByMetricName).toEqual([
      { name: 'cpu', value: 5 },
      { name: 'mem', value: 1 },
    ]);
    expect(st.labelValueCountByLabelName[0]).toEqual({ name: 'pod', value: 5 });
    expect(st.seriesCountByLabelValuePair[0]).toEqual({ name: '__name__=cpu', value: 5 });
    expect(db.stats(1).seriesCountByMetricName).toEqual([{ name: 'cpu', value: 5 }]);
    expect(st.memoryInBytesByLabelName).toContainEqual({ name: 'pod', value: 10 });
    const text = await registry.metrics();
    expect(text).toMatch(/^kubepulse_tsdb_head_series 6$/m);
    expect(text).toMatch(/^kubepulse_tsdb_head_samples_appended_total 6$/m);
    expect(text).toMatch(/^kubepulse_tsdb_rejected_samples_total\{reason="duplicate"\} 1$/m);
    expect(text).toMatch(/^kubepulse_tsdb_head_chunks 6$/m);
  });

  it('cuts chunks at about 120 samples and at chunk-range boundaries', async () => {
    const db = await mem();
    const app = db.appender();
    // 15 s scrapes for 4 h: 960 samples, 2 h ranges of 480 samples, 4 chunks of 120 each.
    for (let t = 0; t < 4 * 3600_000; t += 15_000) app.append({ __name__: 'c' }, t, 1);
    await app.commit();
    expect(db.stats().headStats.chunkCount).toBe(8);
    expect(values(db, { __name__: 'c' })).toHaveLength(960);
  });
});
