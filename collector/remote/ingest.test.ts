import { describe, expect, it } from 'vitest';
import { openTsdb, type Appendable, type Tsdb } from '../tsdb/index.js';
import { decodeFlatWriteRequest } from './flat-write-request.js';
import { ingestFlatWriteRequest, ingestWriteRequest, type IngestOutcome } from './ingest.js';
import { decodeWriteRequest, encodeWriteRequest, type WireTimeSeries, type WriteRequest } from './write-request.js';

const ts = (labels: [string, string][], samples: [number, number][], histograms: number[] = []): WireTimeSeries => ({
  labels: labels.map(([name, value]) => ({ name, value })),
  samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
  exemplars: [],
  histograms: histograms.map((timestamp) => ({ timestamp })),
});

function dump(store: Tsdb): string[] {
  return [
    ...store
      .querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      .select([{ type: '=~', name: '__name__', value: '.*' }]),
  ].map((s) => {
    const it = s.samples();
    const pts: string[] = [];
    while (it.next()) pts.push(`${it.at().t}=${it.at().v}`);
    return `${JSON.stringify(s.labels)} ${pts.join(',')}`;
  });
}

async function open(): Promise<Tsdb> {
  const r = await openTsdb({ limits: { maxSeries: 8 } });
  if (!r.ok) throw r.error;
  return r.value;
}

// Each request goes through the object path and through the flat path (label
// bytes, appendEncoded); both stores must end up alike with the same verdicts.
const requests: WriteRequest[] = [
  {
    timeseries: [
      ts(
        [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        [[1000, 1]],
      ),
      ts(
        [
          ['job', 'b'],
          ['__name__', 'up'],
        ],
        [[1000, 2]],
      ), // unsorted on the wire
      ts(
        [
          ['__name__', 'up'],
          ['job', 'c'],
          ['zone', ''],
        ],
        [[1000, 3]],
      ), // empty value: no such label
      ts(
        [
          ['__name__', 'temp'],
          ['city', 'Zürich'],
        ],
        [[1000, 4]],
      ), // not ASCII
    ],
    metadata: [],
  },
  {
    timeseries: [
      ts(
        [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        [
          [500, 9],
          [1000, 1],
          [1000, 7],
          [2000, 1],
        ],
      ), // out of order, same, duplicate, ok
      ts(
        [
          ['job', 'b'],
          ['__name__', 'up'],
        ],
        [[2000, 2]],
      ),
      ts(
        [
          ['__name__', 'up'],
          ['job', 'c'],
        ],
        [[2000, 3]],
      ), // the same series as with zone=""
      ts(
        [
          ['__name__', 'up'],
          ['job', 'c'],
          ['zone', ''],
        ],
        [[3000, 3]],
      ),
      ts(
        [
          ['__name__', 'temp'],
          ['city', 'Zürich'],
        ],
        [[2000, 4]],
      ),
      ts(
        [
          ['__name__', 'up'],
          ['job', 'a'],
          ['job', 'a'],
        ],
        [[3000, 1]],
      ), // duplicate name
      ts(
        [
          ['__name__', 'up'],
          ['bad-name', 'x'],
        ],
        [[3000, 1]],
      ),
      ts(
        [
          ['__name__', '9up'],
          ['job', 'a'],
        ],
        [[3000, 1]],
      ),
      ts(
        [
          ['__name__', ''],
          ['job', 'a'],
        ],
        [[3000, 1]],
      ),
      ts(
        [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        [],
        [2500],
      ), // native histogram only
      ts(
        [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        [[3000, 1]],
        [3000],
      ),
    ],
    metadata: [],
  },
  {
    timeseries: Array.from({ length: 7 }, (_, i) =>
      ts(
        [
          ['__name__', 'many'],
          ['i', String(i)],
        ],
        [[5000, i]],
      ),
    ), // over maxSeries
    metadata: [],
  },
];

describe('ingestFlatWriteRequest', () => {
  it('stores and rejects exactly what the object path does, with the same messages', async () => {
    const a = await open();
    const b = await open();
    let fastHits = 0;
    const counting: Appendable = {
      appender() {
        const app = b.appender();
        return {
          append: (labels, t, v) => app.append(labels, t, v),
          appendEncoded: (labels, t, v) => {
            const r = app.appendEncoded?.(labels, t, v);
            if (r !== undefined) fastHits++;
            return r;
          },
          commit: () => app.commit(),
          rollback: () => app.rollback(),
        };
      },
    };
    try {
      for (const req of requests) {
        const bytes = encodeWriteRequest(req);
        const objects = decodeWriteRequest(bytes);
        const flat = decodeFlatWriteRequest(bytes);
        if (!objects.ok || !flat.ok) throw new Error('decoding failed');
        const viaObjects: IngestOutcome = await ingestWriteRequest(a, objects.value);
        const viaFlat = await ingestFlatWriteRequest(counting, flat.value);
        expect(viaFlat).toEqual(viaObjects);
      }
      expect(dump(b)).toEqual(dump(a));
      // Guard against a vacuous comparison: the requests above do store and reject.
      expect(dump(b).length).toBe(8);
      expect(dump(b).some((s) => s.includes('"city":"Zürich"'))).toBe(true);
      // And the flat path did find known series from their bytes.
      expect(fastHits).toBeGreaterThanOrEqual(5);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails a request with a bad UTF-8 string as a whole, naming the offset', () => {
    const bytes = encodeWriteRequest({
      timeseries: [
        ts(
          [
            ['__name__', 'up'],
            ['job', 'ab'],
          ],
          [[1, 1]],
        ),
      ],
      metadata: [],
    });
    const at = bytes.lastIndexOf(0x62); // the "b" of "ab"
    bytes[at] = 0xff;
    const flat = decodeFlatWriteRequest(bytes);
    const objects = decodeWriteRequest(bytes);
    expect(flat.ok).toBe(false);
    expect(flat.ok ? '' : flat.error.message).toMatch(/^protobuf: byte \d+: string is not valid UTF-8$/);
    expect(flat.ok ? '' : flat.error.message).toBe(objects.ok ? '' : objects.error.message);
  });
});
