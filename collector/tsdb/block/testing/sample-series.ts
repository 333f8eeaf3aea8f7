/**
 * Test data for block tests: deterministic series turned into XOR chunks the
 * way the head cuts them (at most 120 samples per chunk), so block files can
 * be compared sample by sample with what promtool and Prometheus read back.
 */
import { XorChunk } from '../../chunkenc/index.js';
import type { Labels, Sample } from '../../interface.js';
import type { BlockSeriesInput, ChunkInput } from '../block-writer.js';

export interface TestSeries {
  readonly labels: Labels;
  readonly samples: readonly Sample[];
}

export function toChunks(samples: readonly Sample[], perChunk = 120): ChunkInput[] {
  const out: ChunkInput[] = [];
  for (let i = 0; i < samples.length; i += perChunk) {
    const part = samples.slice(i, i + perChunk);
    const c = new XorChunk();
    for (const s of part) c.append(s.t, s.v);
    out.push({ minT: part[0]!.t, maxT: part[part.length - 1]!.t, data: c.bytes().slice() });
  }
  return out;
}

export function toBlockInput(series: readonly TestSeries[], perChunk = 120): BlockSeriesInput[] {
  return series.map((s) => ({ labels: s.labels, chunks: toChunks(s.samples, perChunk) }));
}

/** A small pseudo-random generator so data is varied yet the same on every run. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/**
 * `count` samples every `stepMs` from `startMs` with a mix of value shapes:
 * counters, gauges with fractions, repeats, negatives and irregular gaps.
 */
export function makeSeries(startMs: number, stepMs: number, count: number, seed: number): TestSeries[] {
  const rnd = lcg(seed);
  const jobs = ['api', 'db', 'cache'];
  const out: TestSeries[] = [];
  for (const job of jobs) {
    for (let inst = 0; inst < 3; inst++) {
      const base = { job, instance: `10.0.0.${inst}:9100` };
      const counter: Sample[] = [];
      const gauge: Sample[] = [];
      let c = 0;
      let t = startMs;
      for (let i = 0; i < count; i++) {
        c += Math.floor(rnd() * 100);
        counter.push({ t, v: c });
        gauge.push({ t, v: Math.round((rnd() - 0.3) * 1e6) / 1e3 });
        t += stepMs + (rnd() < 0.05 ? Math.floor(rnd() * 5000) : 0); // occasional jitter
      }
      out.push({ labels: { __name__: 'http_requests_total', ...base, code: '200' }, samples: counter });
      out.push({ labels: { __name__: 'node_load1', ...base }, samples: gauge });
    }
  }
  out.push({ labels: { __name__: 'up', job: 'ünïcode', instance: 'ƒ' }, samples: [{ t: startMs, v: 1 }] });
  return out;
}
