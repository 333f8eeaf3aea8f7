/**
 * The strongest check of the block format: the real Prometheus server opens
 * a data directory holding only our block and answers queries from it.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../interface.js';
import { writeBlock } from './block-writer.js';
import { promtoolKey } from './testing/promtool.js';
import { parsePromValue, startPrometheusOn, type PrometheusProcess } from './testing/prometheus-server.js';
import { makeSeries, toBlockInput, type TestSeries } from './testing/sample-series.js';

const START = 1_700_000_000_000;
const LOOKBACK_MS = 5 * 60_000;

interface MatrixEntry {
  metric: Record<string, string>;
  values: [number, string][];
}

let root: string;
let prom: PrometheusProcess;
let series: TestSeries[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kp-block-prom-'));
  const ours = join(root, 'ours');
  await mkdir(ours);
  series = [...makeSeries(START, 15_000, 480, 3), ...probes()];
  const r = await writeBlock(ours, toBlockInput(series));
  if (!r.ok) throw r.error;
  // Prometheus may compact or rewrite what it opens; give it a copy.
  await cp(ours, join(root, 'copy'), { recursive: true });
  prom = await startPrometheusOn(join(root, 'copy'), root);
}, 60_000);

afterAll(async () => {
  const code = await prom?.stop();
  expect(code).toBe(0);
  await rm(root, { recursive: true, force: true });
});

/**
 * Values whose UTF-8 byte order differs from JavaScript's UTF-16 order
 * (astral characters vs U+E000..U+FFFF), more than 32 of them so Prometheus'
 * sampled postings-offset lookup has to binary-search between samples.
 */
const TRICKY = ['\u{1F600}', '\uFF21', '\uE000', '\u{10400}', 'é', 'z', 'Z', '', ' a', 'a b'].filter((v) => v !== '');
function probes(): TestSeries[] {
  const values = [...TRICKY];
  for (let i = 0; i < 60; i++)
    values.push(`v${String(i).padStart(2, '0')}${i % 7 === 0 ? '\u{1F680}' : i % 5 === 0 ? '\uFFEE' : ''}`);
  return values.map((v, i) => ({ labels: { __name__: 'order_probe', v }, samples: [{ t: START + i * 1000, v: i }] }));
}

const toSamples = (values: [number, string][]): Sample[] =>
  values.map(([t, v]) => ({ t: Math.round(t * 1000), v: parsePromValue(v) }));

describe('a real Prometheus reading our block', () => {
  it('returns every raw sample through a range-vector query', async () => {
    const at = (START + 4 * 3600_000) / 1000;
    const data = (await prom.api('/api/v1/query', { query: '{__name__=~".+"}[1d]', time: String(at) })) as {
      result: MatrixEntry[];
    };
    const got = new Map(data.result.map((e) => [promtoolKey(e.metric), toSamples(e.values)]));
    expect(got.size).toBe(series.length);
    for (const s of series) expect(got.get(promtoolKey(s.labels)), promtoolKey(s.labels)).toEqual(s.samples);
  });

  it('answers query_range with the values the written samples imply', async () => {
    const stepMs = 15_000;
    const endMs = START + 2.5 * 3600_000;
    const data = (await prom.api('/api/v1/query_range', {
      query: 'node_load1',
      start: String(START / 1000),
      end: String(endMs / 1000),
      step: String(stepMs / 1000),
    })) as { result: MatrixEntry[] };
    const gauges = series.filter((s) => s.labels.__name__ === 'node_load1');
    expect(data.result.length).toBe(gauges.length);
    for (const s of gauges) {
      const expected: Sample[] = [];
      let i = 0;
      for (let t = START; t <= endMs; t += stepMs) {
        while (i + 1 < s.samples.length && s.samples[i + 1]!.t <= t) i++;
        const cur = s.samples[i]!;
        if (cur.t <= t && cur.t > t - LOOKBACK_MS) expected.push({ t, v: cur.v });
      }
      const entry = data.result.find((e) => promtoolKey(e.metric) === promtoolKey(s.labels));
      expect(entry, promtoolKey(s.labels)).toBeDefined();
      expect(toSamples(entry!.values)).toEqual(expected);
    }
  });
});

describe('label values sorted by UTF-8 bytes', () => {
  it('are all found by exact lookups in Prometheus', async () => {
    const probeSeries = series.filter((s) => s.labels.__name__ === 'order_probe');
    const at = String((START + 3600_000) / 1000);
    for (const s of probeSeries) {
      const q = `order_probe{v=${JSON.stringify(s.labels.v)}}[2h]`;
      const data = (await prom.api('/api/v1/query', { query: q, time: at })) as { result: MatrixEntry[] };
      expect(
        data.result.map((e) => toSamples(e.values)),
        q,
      ).toEqual([s.samples]);
    }
    const values = (await prom.api('/api/v1/label/v/values', { start: String(START / 1000), end: at })) as string[];
    expect(new Set(values)).toEqual(new Set(probeSeries.map((s) => s.labels.v)));
  });
});
