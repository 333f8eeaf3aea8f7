import { describe, expect, it } from 'vitest';
import { decodeFlatWriteRequest, SERIES_STRIDE } from './flat-write-request.js';
import { decodeWriteRequest, encodeWriteRequest, type WriteRequest } from './write-request.js';

describe('decodeFlatWriteRequest', () => {
  it('reads the same series, labels and samples as the object decoder, whatever their shape', () => {
    const awkward = [0, -0, 1.5, -2, Number.NaN, Infinity, 1e300, 5e-324];
    const times = [0, 1, -1, 127, 128, 2 ** 31, 1_700_000_000_123, 2 ** 49 - 1, 2 ** 49, 2 ** 53 - 1, -(2 ** 40)];
    const req: WriteRequest = {
      timeseries: times.map((t, i) => ({
        labels: [
          { name: '__name__', value: `m${i}` },
          { name: 'long', value: 'x'.repeat(i * 20) }, // lengths past one varint byte
          { name: 'empty', value: '' },
        ],
        samples: awkward.map((v, j) => ({ value: v, timestamp: t + j })),
        exemplars: [],
        histograms: i % 3 === 0 ? [{ timestamp: t }] : [],
      })),
      metadata: [],
    };
    const bytes = encodeWriteRequest(req);
    const objects = decodeWriteRequest(bytes);
    const flat = decodeFlatWriteRequest(bytes);
    if (!objects.ok || !flat.ok) throw new Error('decoding failed');
    const f = flat.value;
    expect(f.seriesCount).toBe(times.length);
    objects.value.timeseries.forEach((ts, i) => {
      expect(f.wireLabels(i)).toEqual(ts.labels);
      const first = f.series[i * SERIES_STRIDE + 2]!;
      const n = f.series[i * SERIES_STRIDE + 3]!;
      const samples = Array.from({ length: n }, (_, k) => ({ value: f.vs[first + k]!, timestamp: f.ts[first + k]! }));
      expect(samples).toEqual(ts.samples);
      expect(f.series[i * SERIES_STRIDE + 5]).toBe(ts.histograms.length);
    });
  });

  it('reports a truncated sample with its offset, as the object decoder does', () => {
    const bytes = encodeWriteRequest({
      timeseries: [
        { labels: [], samples: [{ value: 1, timestamp: 1_700_000_000_000 }], exemplars: [], histograms: [] },
      ],
      metadata: [],
    });
    const cut = bytes.slice();
    cut[3] = cut[3]! + 1; // the sample claims one byte more than its series holds
    const flat = decodeFlatWriteRequest(cut);
    const objects = decodeWriteRequest(cut);
    expect(flat.ok).toBe(false);
    expect(flat.ok ? '' : flat.error.message).toBe(objects.ok ? '' : objects.error.message);
  });
});
