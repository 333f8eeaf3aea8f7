/**
 * Moves a decoded WriteRequest into the store. Each sample is appended on its
 * own: one bad sample (out of order, duplicate, invalid labels, over a limit)
 * is rejected with its reason and the rest of the request is still committed.
 */
import type { AppendErrorKind, Appendable, Labels, StoreError } from '../tsdb/interface.js';
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
