/**
 * A WriteRequest decoded into flat typed arrays instead of an object per
 * series, label and sample: remote write carries a few thousand series per
 * request and, once a series is known, its labels never need to become
 * strings (the store finds the series from the label bytes). Strings are
 * checked for UTF-8 here, so a bad one still fails the whole request.
 * Field numbers follow prompb/remote.proto and prompb/types.proto.
 */
import { err, ok, type Result } from '../result.js';
import { ProtobufError, ProtobufReader, type WireType } from './protobuf-reader.js';
import type { WireLabel, WireMetadata } from './write-request.js';
import { readMetadata } from './write-request.js';

/** Per series: first label, label count, first sample, sample count, first histogram, histogram count, flags. */
export const SERIES_STRIDE = 7;
/** Set in a series' flags when every label byte is ASCII (then UTF-16 units equal bytes). */
export const FLAG_ASCII = 1;

const utf8 = new TextDecoder('utf-8');

export class FlatWriteRequest {
  seriesCount = 0;
  series: Int32Array = new Int32Array(SERIES_STRIDE * 64);
  labelCount = 0;
  /** Per label: name start, name end, value start, value end (byte offsets in buf). */
  labels: Int32Array = new Int32Array(4 * 512);
  sampleCount = 0;
  ts: Float64Array = new Float64Array(64);
  vs: Float64Array = new Float64Array(64);
  histogramCount = 0;
  hts: Float64Array = new Float64Array(8);
  metadata: WireMetadata[] = [];

  constructor(public buf: Uint8Array) {}

  /** Empties the request for reuse over another buffer, keeping the arrays it has grown. */
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.seriesCount = 0;
    this.labelCount = 0;
    this.sampleCount = 0;
    this.histogramCount = 0;
    this.metadata = [];
  }

  /** Series i's labels as objects, in wire order (for the slow path and for messages). */
  wireLabels(i: number): WireLabel[] {
    const first = this.series[i * SERIES_STRIDE]!;
    const n = this.series[i * SERIES_STRIDE + 1]!;
    const out: WireLabel[] = [];
    for (let l = first; l < first + n; l++) out.push({ name: this.text(l, 0), value: this.text(l, 2) });
    return out;
  }

  /** The name (part 0) or value (part 2) of label l. */
  text(l: number, part: 0 | 2): string {
    const a = this.labels[4 * l + part]!;
    const b = this.labels[4 * l + part + 1]!;
    return a === b ? '' : utf8.decode(this.buf.subarray(a, b));
  }

  startSeries(): number {
    const i = this.seriesCount++;
    if (this.series.length < this.seriesCount * SERIES_STRIDE) this.series = grow32(this.series);
    const o = i * SERIES_STRIDE;
    this.series[o] = this.labelCount;
    this.series[o + 1] = 0;
    this.series[o + 2] = this.sampleCount;
    this.series[o + 3] = 0;
    this.series[o + 4] = this.histogramCount;
    this.series[o + 5] = 0;
    this.series[o + 6] = FLAG_ASCII;
    return o;
  }

  /** Reserves a label's four slots and returns the first; the caller writes all four. */
  addLabel(): number {
    const l = this.labelCount++;
    if (this.labels.length < this.labelCount * 4) this.labels = grow32(this.labels);
    return 4 * l;
  }

  addSample(t: number, v: number): void {
    if (this.sampleCount === this.ts.length) {
      this.ts = grow64(this.ts);
      this.vs = grow64(this.vs);
    }
    this.ts[this.sampleCount] = t;
    this.vs[this.sampleCount++] = v;
  }

  addHistogram(t: number): void {
    if (this.histogramCount === this.hts.length) this.hts = grow64(this.hts);
    this.hts[this.histogramCount++] = t;
  }
}

function grow32(a: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}

function grow64(a: Float64Array): Float64Array<ArrayBuffer> {
  const next = new Float64Array(a.length * 2);
  next.set(a);
  return next;
}

/**
 * Decodes a serialized (uncompressed) WriteRequest; unknown fields are
 * skipped. `reuse` (a request done with) is reset and filled instead of a new one.
 */
export function decodeFlatWriteRequest(
  buf: Uint8Array,
  reuse?: FlatWriteRequest,
): Result<FlatWriteRequest, ProtobufError> {
  try {
    const r = new ProtobufReader(buf);
    const out = reuse ?? new FlatWriteRequest(buf);
    out.reset(buf);
    while (!r.done()) {
      const key = r.key();
      const field = key >>> 3;
      const wireType = key & 7;
      if (field === 1) {
        r.expect(wireType as WireType, 2, 'WriteRequest.timeseries');
        const outer = r.enter();
        readTimeSeries(r, out);
        r.leave(outer);
      } else if (field === 3) {
        r.expect(wireType as WireType, 2, 'WriteRequest.metadata');
        out.metadata.push(readMetadata(r.message()));
      } else r.skip(wireType as WireType);
    }
    return ok(out);
  } catch (e) {
    if (e instanceof ProtobufError) return err(e);
    throw e;
  }
}

function readTimeSeries(r: ProtobufReader, out: FlatWriteRequest): void {
  const o = out.startSeries();
  const series = out.series;
  let ascii = true;
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field >= 1 && field <= 4) r.expect(wireType as WireType, 2, `TimeSeries field ${field}`);
    if (field === 1) {
      if (tightLabel(r, out)) {
        series[o + 1]!++;
        continue;
      }
      const outer = r.enter();
      if (!readLabel(r, out)) ascii = false;
      r.leave(outer);
      series[o + 1]!++;
    } else if (field === 2) {
      if (tightSample(r, out)) {
        series[o + 3]!++;
        continue;
      }
      const outer = r.enter();
      readSample(r, out);
      r.leave(outer);
      series[o + 3]!++;
    } else if (field === 3) {
      const outer = r.enter();
      readExemplar(r);
      r.leave(outer);
    } else if (field === 4) {
      const outer = r.enter();
      readHistogram(r, out);
      r.leave(outer);
      series[o + 5]!++;
    } else r.skip(wireType as WireType);
  }
  if (!ascii) series[o + 6] = 0;
}

/**
 * The common label shape, read straight from the bytes: a one-byte length,
 * then name (tag 0x0a) and value (tag 0x12) each with a one-byte length and
 * ASCII text. Returns false (nothing consumed) for any other shape, which
 * the general reader then handles, errors included.
 */
function tightLabel(r: ProtobufReader, out: FlatWriteRequest): boolean {
  const buf = r.buf;
  const p = r.offset;
  const end = r.limit;
  if (p + 1 > end) return false;
  const len = buf[p]!;
  const stop = p + 1 + len;
  if (len >= 0x80 || stop > end || len < 4) return false;
  if (buf[p + 1] !== 0x0a) return false;
  const nameLen = buf[p + 2]!;
  const ns = p + 3;
  const ne = ns + nameLen;
  if (nameLen >= 0x80 || ne + 2 > stop || buf[ne] !== 0x12) return false;
  const valueLen = buf[ne + 1]!;
  const vs = ne + 2;
  const ve = vs + valueLen;
  if (valueLen >= 0x80 || ve !== stop) return false;
  let bits = 0;
  for (let i = ns; i < ne; i++) bits |= buf[i]!;
  for (let i = vs; i < ve; i++) bits |= buf[i]!;
  if (bits >= 0x80) return false; // not ASCII: the general reader checks the UTF-8
  const at = out.addLabel();
  const labels = out.labels;
  labels[at] = ns;
  labels[at + 1] = ne;
  labels[at + 2] = vs;
  labels[at + 3] = ve;
  r.seek(stop);
  return true;
}

/**
 * The common sample shape, read straight from the bytes: a one-byte length,
 * the value (tag 0x09, 8 bytes), then a positive timestamp (tag 0x10) whose
 * varint ends the message. Returns false (nothing consumed) for any other
 * shape (a zero value or timestamp is left out on the wire, a negative
 * timestamp takes ten bytes), which the general reader then handles.
 */
function tightSample(r: ProtobufReader, out: FlatWriteRequest): boolean {
  const buf = r.buf;
  const p = r.offset;
  if (p >= r.limit) return false;
  const len = buf[p]!;
  const stop = p + 1 + len;
  if (len >= 0x80 || len < 11 || len > 18 || stop > r.limit) return false;
  if (buf[p + 1] !== 0x09 || buf[p + 10] !== 0x10) return false;
  let t = 0;
  let scale = 1;
  let i = p + 11;
  for (; i < stop; i++) {
    const b = buf[i]!;
    t += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) break;
  }
  // The varint must end exactly at the end of the message and stay exact (7 bytes is 49 bits).
  if (i !== stop - 1 || i - (p + 11) >= 7) return false;
  out.addSample(t, r.doubleAt(p + 2));
  r.seek(stop);
  return true;
}

/** Records the label's byte spans; returns true when both strings are ASCII. */
function readLabel(r: ProtobufReader, out: FlatWriteRequest | undefined): boolean {
  const at = out ? out.addLabel() : -1;
  // A missing name or value is empty.
  if (out) out.labels.fill(0, at, at + 4);
  let ascii = true;
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 1 || field === 2) {
      r.expect(wireType as WireType, 2, field === 1 ? 'Label.name' : 'Label.value');
      if (!r.stringSpan()) ascii = false;
      if (out) {
        // A field given twice counts with its last value, as in every protobuf decoder.
        const part = field === 1 ? 0 : 2;
        out.labels[at + part] = r.spanStart;
        out.labels[at + part + 1] = r.spanEnd;
      }
    } else r.skip(wireType as WireType);
  }
  return ascii;
}

function readSample(r: ProtobufReader, out: FlatWriteRequest): void {
  let value = 0;
  let timestamp = 0;
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 1) {
      r.expect(wireType as WireType, 1, 'Sample.value');
      value = r.double();
    } else if (field === 2) {
      r.expect(wireType as WireType, 0, 'Sample.timestamp');
      timestamp = r.int64();
    } else r.skip(wireType as WireType);
  }
  out.addSample(timestamp, value);
}

/** Exemplars are checked (a malformed one fails the request) but not kept: the store has no place for them. */
function readExemplar(r: ProtobufReader): void {
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 1) {
      r.expect(wireType as WireType, 2, 'Exemplar.labels');
      const outer = r.enter();
      readLabel(r, undefined);
      r.leave(outer);
    } else if (field === 2) {
      r.expect(wireType as WireType, 1, 'Exemplar.value');
      r.double();
    } else if (field === 3) {
      r.expect(wireType as WireType, 0, 'Exemplar.timestamp');
      r.int64();
    } else r.skip(wireType as WireType);
  }
}

function readHistogram(r: ProtobufReader, out: FlatWriteRequest): void {
  let timestamp = 0;
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 15) {
      r.expect(wireType as WireType, 0, 'Histogram.timestamp');
      timestamp = r.int64();
    } else r.skip(wireType as WireType);
  }
  out.addHistogram(timestamp);
}
