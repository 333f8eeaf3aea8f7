/**
 * Moves a decoded WriteRequest into the store. Each sample is appended on its
 * own: one bad sample (out of order, duplicate, invalid labels, over a limit)
 * is rejected with its reason and the rest of the request is still committed.
 */
import type { Result } from '../result.js';
import type { AppendError, AppendErrorKind, Appendable, Appender, Labels, StoreError } from '../tsdb/interface.js';
import { FLAG_ASCII, SERIES_STRIDE, type FlatWriteRequest } from './flat-write-request.js';
import type { WireLabel, WriteRequest } from './write-request.js';

export type RejectReason = AppendErrorKind | 'native_histogram';

export interface Rejection {
  readonly reason: RejectReason;
  readonly message: string;
}

export interface IngestOutcome {
  readonly accepted: number;
  /** Every rejected sample's reason, in request order. */
  readonly rejected: readonly Rejection[];
  /** Set when the commit itself failed; then nothing of this request was stored. */
  readonly commitError?: StoreError;
}

// Remote write 1.0 names the legacy character sets (../shared/conformance/remote-write/specs).
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Label pairs → Labels, or why they are not a valid series. Empty values mean "no such label", as in Prometheus. */
export function toLabels(wire: readonly WireLabel[]): { ok: true; labels: Labels } | { ok: false; message: string } {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { name, value } of wire) {
    if (!LABEL_NAME.test(name)) return { ok: false, message: `invalid label name ${JSON.stringify(name)}` };
    if (seen.has(name)) return { ok: false, message: `duplicate label name ${JSON.stringify(name)}` };
    seen.add(name);
    if (value !== '') out[name] = value;
  }
  const metric = out.__name__;
  if (metric === undefined) return { ok: false, message: 'series has no metric name (__name__ label)' };
  if (!METRIC_NAME.test(metric)) return { ok: false, message: `invalid metric name ${JSON.stringify(metric)}` };
  return { ok: true, labels: out };
}

export function formatLabels(wire: readonly WireLabel[]): string {
  const name = wire.find((l) => l.name === '__name__')?.value ?? '';
  const rest = wire.filter((l) => l.name !== '__name__').map((l) => `${l.name}=${JSON.stringify(l.value)}`);
  return `${name}{${rest.join(', ')}}`;
}

export async function ingestWriteRequest(store: Appendable, req: WriteRequest): Promise<IngestOutcome> {
  const app = store.appender();
  const rejected: Rejection[] = [];
  let accepted = 0;
  for (const ts of req.timeseries) {
    const labels = toLabels(ts.labels);
    if (!labels.ok) {
      const message = `${formatLabels(ts.labels)}: ${labels.message}`;
      for (let i = 0; i < ts.samples.length; i++) rejected.push({ reason: 'invalid_labels', message });
      continue;
    }
    for (const s of ts.samples) {
      const r = app.append(labels.labels, s.timestamp, s.value);
      if (r.ok) accepted++;
      else
        rejected.push({
          reason: r.error.kind,
          message: `${formatLabels(ts.labels)} @${s.timestamp}: ${r.error.message}`,
        });
    }
    for (const h of ts.histograms) {
      rejected.push({
        reason: 'native_histogram',
        message: `${formatLabels(ts.labels)} @${h.timestamp}: native histograms are not supported; send classic histograms`,
      });
    }
  }
  const committed = await app.commit();
  if (!committed.ok) return { accepted: 0, rejected, commitError: committed.error };
  return { accepted, rejected };
}

/**
 * ingestWriteRequest for a request decoded into flat arrays. A series whose
 * labels are ASCII, sorted, valid and already in the store is appended from
 * its label bytes (appendEncoded); any other series — new, unsorted, invalid,
 * non-ASCII — takes the path above with decoded strings, so the verdicts and
 * messages are the same.
 */
export async function ingestFlatWriteRequest(store: Appendable, req: FlatWriteRequest): Promise<IngestOutcome> {
  const app = store.appender();
  const rejected: Rejection[] = [];
  let accepted = 0;
  const encoded = { buf: req.buf, offsets: new Int32Array(64), count: 0 };
  for (let i = 0; i < req.seriesCount; i++) {
    const o = i * SERIES_STRIDE;
    const firstSample = req.series[o + 2]!;
    const endSample = firstSample + req.series[o + 3]!;
    let next = firstSample;
    if (app.appendEncoded && next < endSample && (req.series[o + 6]! & FLAG_ASCII) !== 0) {
      const count = fastLabels(req, req.series[o]!, req.series[o + 1]!, encoded);
      if (count > 0) {
        encoded.count = count;
        for (; next < endSample; next++) {
          const t = req.ts[next]!;
          const r = app.appendEncoded(encoded, t, req.vs[next]!);
          if (r === undefined) break; // not in the store yet: the slow path creates it
          if (r.ok) accepted++;
          else
            rejected.push({
              reason: r.error.kind,
              message: `${formatLabels(req.wireLabels(i))} @${t}: ${r.error.message}`,
            });
        }
      }
    }
    const histograms = req.series[o + 5]!;
    if (next === endSample && histograms === 0) continue;
    const wire = req.wireLabels(i);
    if (next < endSample) {
      const labels = toLabels(wire);
      if (!labels.ok) {
        const message = `${formatLabels(wire)}: ${labels.message}`;
        for (; next < endSample; next++) rejected.push({ reason: 'invalid_labels', message });
      } else {
        for (; next < endSample; next++)
          accepted += appendOne(app, labels.labels, wire, req.ts[next]!, req.vs[next]!, rejected);
      }
    }
    const firstHistogram = req.series[o + 4]!;
    for (let h = firstHistogram; h < firstHistogram + histograms; h++) {
      rejected.push({
        reason: 'native_histogram',
        message: `${formatLabels(wire)} @${req.hts[h]!}: native histograms are not supported; send classic histograms`,
      });
    }
  }
  const committed = await app.commit();
  if (!committed.ok) return { accepted: 0, rejected, commitError: committed.error };
  return { accepted, rejected };
}

function appendOne(
  app: Appender,
  labels: Labels,
  wire: readonly WireLabel[],
  t: number,
  v: number,
  rejected: Rejection[],
): number {
  const r: Result<void, AppendError> = app.append(labels, t, v);
  if (r.ok) return 1;
  rejected.push({ reason: r.error.kind, message: `${formatLabels(wire)} @${t}: ${r.error.message}` });
  return 0;
}

// Byte classes for checking names without decoding them: 1 = may start a label name, 2 = may follow, 4/8 the same for metric names.
const NAME_CLASS = new Uint8Array(128);
for (let b = 0; b < 128; b++) {
  const c = String.fromCharCode(b);
  if (/[a-zA-Z_]/.test(c)) NAME_CLASS[b]! |= 1 | 2 | 4 | 8;
  if (/[0-9]/.test(c)) NAME_CLASS[b]! |= 2 | 8;
  if (c === ':') NAME_CLASS[b]! |= 4 | 8;
}
const METRIC_NAME_BYTES = new TextEncoder().encode('__name__');

/**
 * Fills `into` with the series' non-empty pairs when its labels pass, from
 * their bytes, every check toLabels makes (valid names, no duplicates, a
 * valid metric name) and come sorted by name; returns the pair count, or 0
 * when the series must take the decoding path.
 */
function fastLabels(req: FlatWriteRequest, first: number, n: number, into: { offsets: Int32Array }): number {
  const buf = req.buf;
  const labels = req.labels;
  if (into.offsets.length < 4 * n) into.offsets = new Int32Array(8 * n);
  const offsets = into.offsets;
  let count = 0;
  let sawName = false;
  let prevStart = 0;
  let prevEnd = 0;
  for (let l = first; l < first + n; l++) {
    const ns = labels[4 * l]!;
    const ne = labels[4 * l + 1]!;
    const vs = labels[4 * l + 2]!;
    const ve = labels[4 * l + 3]!;
    if (ne === ns || (NAME_CLASS[buf[ns]!]! & 1) === 0) return 0;
    for (let i = ns + 1; i < ne; i++) if ((NAME_CLASS[buf[i]!]! & 2) === 0) return 0;
    // Strictly ascending names: sorted as the store keeps them, and no duplicates.
    if (l > first && compareBytes(buf, prevStart, prevEnd, ns, ne) >= 0) return 0;
    prevStart = ns;
    prevEnd = ne;
    if (isMetricName(buf, ns, ne)) {
      if (ve === vs || (NAME_CLASS[buf[vs]!]! & 4) === 0) return 0;
      for (let i = vs + 1; i < ve; i++) if ((NAME_CLASS[buf[i]!]! & 8) === 0) return 0;
      sawName = true;
    }
    if (ve === vs) continue; // an empty value means "no such label"
    offsets[4 * count] = ns;
    offsets[4 * count + 1] = ne;
    offsets[4 * count + 2] = vs;
    offsets[4 * count + 3] = ve;
    count++;
  }
  return sawName ? count : 0;
}

function isMetricName(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 8) return false;
  for (let i = 0; i < 8; i++) if (buf[start + i] !== METRIC_NAME_BYTES[i]) return false;
  return true;
}

function compareBytes(buf: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let i = 0; i < n; i++) {
    const d = buf[a + i]! - buf[b + i]!;
    if (d !== 0) return d;
  }
  return aEnd - a - (bEnd - b);
}
