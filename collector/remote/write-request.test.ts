import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from './protobuf-writer.js';
import { decodeWriteRequest, encodeWriteRequest, type WriteRequest } from './write-request.js';

describe('WriteRequest codec', () => {
  it('round-trips series, samples, exemplars, histograms and metadata', () => {
    const req: WriteRequest = {
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'http_requests_total' },
            { name: 'code', value: '200' },
          ],
          samples: [
            { value: 1.5, timestamp: 1_700_000_000_123 },
            { value: Number.NaN, timestamp: 1_700_000_001_123 },
            { value: 0, timestamp: -5 },
          ],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 3, timestamp: 1_700_000_000_100 }],
          histograms: [{ timestamp: 42 }],
        },
      ],
      metadata: [{ type: 'counter', metricFamilyName: 'http_requests_total', help: 'Requests.', unit: '' }],
    };
    const r = decodeWriteRequest(encodeWriteRequest(req));
    expect(r).toEqual({ ok: true, value: req });
  });

  it('preserves the stale-marker NaN bit pattern', () => {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setBigUint64(0, 0x7ff0000000000002n, true);
    const stale = buf.getFloat64(0, true);
    const enc = encodeWriteRequest({
      timeseries: [{ labels: [], samples: [{ value: stale, timestamp: 1 }], exemplars: [], histograms: [] }],
      metadata: [],
    });
    const r = decodeWriteRequest(enc);
    const v = r.ok ? (r.value.timeseries[0]?.samples[0]?.value ?? 0) : 0;
    const out = new DataView(new ArrayBuffer(8));
    out.setFloat64(0, v, true);
    expect(out.getBigUint64(0, true)).toBe(0x7ff0000000000002n);
  });

  it('skips fields it does not know (a newer sender)', () => {
    const w = new ProtobufWriter()
      .tag(2, 2)
      .string('cortex source') // reserved field 2
      .message(1, (ts) => {
        ts.message(1, (l) => l.tag(1, 2).string('__name__').tag(2, 2).string('up').tag(9, 0).uint64(1));
        ts.message(2, (s) => s.tag(1, 1).double(1).tag(2, 0).int64(10));
        ts.tag(7, 5);
        ts.double(0); // placeholder: 8 bytes, of which the fixed32 field takes 4 and field 0 would follow...
      });
    // Build the same thing without the deliberately odd tail to compare.
    const bytes = w.finish();
    const r = decodeWriteRequest(bytes);
    // The tail after the fixed32 is four zero bytes: a field-number-0 tag, which must be an error with its offset.
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^protobuf: byte \d+: field number 0 is not allowed$/);

    const clean = new ProtobufWriter()
      .tag(2, 2)
      .string('cortex source')
      .message(1, (ts) => {
        ts.message(1, (l) => l.tag(1, 2).string('__name__').tag(2, 2).string('up').tag(9, 0).uint64(1));
        ts.message(2, (s) => s.tag(1, 1).double(1).tag(2, 0).int64(10).tag(3, 1).double(9));
        ts.tag(7, 0).uint64(3);
      })
      .finish();
    expect(decodeWriteRequest(clean)).toEqual({
      ok: true,
      value: {
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'up' }],
            samples: [{ value: 1, timestamp: 10 }],
            exemplars: [],
            histograms: [],
          },
        ],
        metadata: [],
      },
    });
  });

  it('names the field whose wire type is wrong', () => {
    const bad = new ProtobufWriter().message(1, (ts) => ts.message(2, (s) => s.tag(1, 0).uint64(1))).finish();
    const r = decodeWriteRequest(bad);
    expect(r.ok ? '' : r.error.message).toBe('protobuf: byte 5: Sample.value: expected wire type 1, got 0');
  });
});
