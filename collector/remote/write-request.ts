/**
 * prometheus.WriteRequest (remote write 1.0) as plain objects, and its
 * protobuf encoding. Field numbers follow prompb/remote.proto and
 * prompb/types.proto (../shared/conformance/remote-write/).
 */
import { err, ok, type Result } from '../result.js';
import { ProtobufError, ProtobufReader } from './protobuf-reader.js';
import { ProtobufWriter } from './protobuf-writer.js';
import { snappyCompress } from './snappy-block.js';

export interface WireLabel {
  readonly name: string;
  readonly value: string;
}
/** `timestamp` in ms since epoch. */
export interface WireSample {
  readonly value: number;
  readonly timestamp: number;
}
export interface WireExemplar {
  readonly labels: readonly WireLabel[];
  readonly value: number;
  readonly timestamp: number;
}
/** Native histograms are decoded only far enough to report them: the store keeps floats only. */
export interface WireHistogram {
  readonly timestamp: number;
}
export interface WireTimeSeries {
  readonly labels: readonly WireLabel[];
  readonly samples: readonly WireSample[];
  readonly exemplars: readonly WireExemplar[];
  readonly histograms: readonly WireHistogram[];
}

/** The enum order of prometheus.MetricMetadata.MetricType. */
export const METRIC_TYPES = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
] as const;
export type WireMetricType = (typeof METRIC_TYPES)[number];

export interface WireMetadata {
  readonly type: WireMetricType;
  readonly metricFamilyName: string;
  readonly help: string;
  readonly unit: string;
}
export interface WriteRequest {
  readonly timeseries: readonly WireTimeSeries[];
  readonly metadata: readonly WireMetadata[];
}

/** Decodes a serialized (uncompressed) WriteRequest; unknown fields are skipped. */
export function decodeWriteRequest(buf: Uint8Array): Result<WriteRequest, ProtobufError> {
  // The reader throws ProtobufError deep inside nested messages; this is the one
  // place that turns it into a value.
  try {
    const r = new ProtobufReader(buf);
    const timeseries: WireTimeSeries[] = [];
    const metadata: WireMetadata[] = [];
    while (!r.done()) {
      const { field, wireType } = r.tag();
      if (field === 1) {
        r.expect(wireType, 2, 'WriteRequest.timeseries');
        timeseries.push(readTimeSeries(r.message()));
      } else if (field === 3) {
        r.expect(wireType, 2, 'WriteRequest.metadata');
        metadata.push(readMetadata(r.message()));
      } else r.skip(wireType);
    }
    return ok({ timeseries, metadata });
  } catch (e) {
    if (e instanceof ProtobufError) return err(e);
    throw e;
  }
}

function readTimeSeries(r: ProtobufReader): WireTimeSeries {
  const labels: WireLabel[] = [];
  const samples: WireSample[] = [];
  const exemplars: WireExemplar[] = [];
  const histograms: WireHistogram[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field >= 1 && field <= 4) r.expect(wireType, 2, `TimeSeries field ${field}`);
    if (field === 1) labels.push(readLabel(r.message()));
    else if (field === 2) samples.push(readSample(r.message()));
    else if (field === 3) exemplars.push(readExemplar(r.message()));
    else if (field === 4) histograms.push(readHistogram(r.message()));
    else r.skip(wireType);
  }
  return { labels, samples, exemplars, histograms };
}

function readLabel(r: ProtobufReader): WireLabel {
  let name = '';
  let value = '';
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 || field === 2) r.expect(wireType, 2, field === 1 ? 'Label.name' : 'Label.value');
    if (field === 1) name = r.string();
    else if (field === 2) value = r.string();
    else r.skip(wireType);
  }
  return { name, value };
}

function readSample(r: ProtobufReader): WireSample {
  let value = 0;
  let timestamp = 0;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      r.expect(wireType, 1, 'Sample.value');
      value = r.double();
    } else if (field === 2) {
      r.expect(wireType, 0, 'Sample.timestamp');
      timestamp = r.int64();
    } else r.skip(wireType);
  }
  return { value, timestamp };
}

function readExemplar(r: ProtobufReader): WireExemplar {
  const labels: WireLabel[] = [];
  let value = 0;
  let timestamp = 0;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      r.expect(wireType, 2, 'Exemplar.labels');
      labels.push(readLabel(r.message()));
    } else if (field === 2) {
      r.expect(wireType, 1, 'Exemplar.value');
      value = r.double();
    } else if (field === 3) {
      r.expect(wireType, 0, 'Exemplar.timestamp');
      timestamp = r.int64();
    } else r.skip(wireType);
  }
  return { labels, value, timestamp };
}

function readHistogram(r: ProtobufReader): WireHistogram {
  let timestamp = 0;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 15) {
      r.expect(wireType, 0, 'Histogram.timestamp');
      timestamp = r.int64();
    } else r.skip(wireType);
  }
  return { timestamp };
}

export function readMetadata(r: ProtobufReader): WireMetadata {
  let type: WireMetricType = 'unknown';
  let metricFamilyName = '';
  let help = '';
  let unit = '';
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      r.expect(wireType, 0, 'MetricMetadata.type');
      // An enum value we do not know yet (a newer sender) reads as unknown, as proto3 prescribes.
      type = METRIC_TYPES[r.uint32()] ?? 'unknown';
    } else if (field === 2 || field === 4 || field === 5) {
      r.expect(wireType, 2, 'MetricMetadata string');
      const s = r.string();
      if (field === 2) metricFamilyName = s;
      else if (field === 4) help = s;
      else unit = s;
    } else r.skip(wireType);
  }
  return { type, metricFamilyName, help, unit };
}

/** Encodes a WriteRequest; default values are omitted as proto3 does. */
export function encodeWriteRequest(req: WriteRequest): Uint8Array {
  const w = new ProtobufWriter();
  for (const ts of req.timeseries) {
    w.message(1, (m) => {
      for (const l of ts.labels) m.message(1, (lw) => writeLabel(lw, l));
      for (const s of ts.samples) {
        m.message(2, (sw) => {
          if (!Object.is(s.value, 0)) sw.tag(1, 1).double(s.value);
          if (s.timestamp !== 0) sw.tag(2, 0).int64(s.timestamp);
        });
      }
      for (const e of ts.exemplars) {
        m.message(3, (ew) => {
          for (const l of e.labels) ew.message(1, (lw) => writeLabel(lw, l));
          if (!Object.is(e.value, 0)) ew.tag(2, 1).double(e.value);
          if (e.timestamp !== 0) ew.tag(3, 0).int64(e.timestamp);
        });
      }
      for (const h of ts.histograms) {
        m.message(4, (hw) => {
          if (h.timestamp !== 0) hw.tag(15, 0).int64(h.timestamp);
        });
      }
    });
  }
  for (const md of req.metadata) {
    w.message(3, (m) => {
      const type = METRIC_TYPES.indexOf(md.type);
      if (type > 0) m.tag(1, 0).uint64(type);
      if (md.metricFamilyName) m.tag(2, 2).string(md.metricFamilyName);
      if (md.help) m.tag(4, 2).string(md.help);
      if (md.unit) m.tag(5, 2).string(md.unit);
    });
  }
  return w.finish();
}

function writeLabel(w: ProtobufWriter, l: WireLabel): void {
  if (l.name) w.tag(1, 2).string(l.name);
  if (l.value) w.tag(2, 2).string(l.value);
}

/** The headers remote write 1.0 requires on every request (the spec's MUST list, User-Agent aside). */
export const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

/**
 * A WriteRequest as a remote-write 1.0 HTTP body: protobuf, then snappy block compression.
 * @example
 * await fetch(url, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: encodeRemoteWriteBody(req) });
 */
export function encodeRemoteWriteBody(req: WriteRequest): Uint8Array<ArrayBuffer> {
  return snappyCompress(encodeWriteRequest(req));
}
