/**
 * Executes a `load` command against the store, the way promqltest does:
 * samples at 0, step, 2*step … ms; a later line for the same series in one
 * block replaces the earlier one; stale markers are Prometheus' StaleNaN.
 *
 * What the store cannot hold is remembered instead of loaded: native
 * histograms (`{{…}}` values and the series `load_with_nhcb` derives) and
 * start timestamps (`@st`). The runner skips evaluations that may read them.
 */
import { STALE_NAN } from '../../tsdb/index.js';
import type { Appendable, Labels } from '../../tsdb/interface.js';
import { parseGoNumber } from './go-literals.js';
import { labelKey } from './label-set.js';
import type { LoadCommand, LoadedSeries } from './script-types.js';

export type UnsupportedReason = 'native histograms' | 'start timestamps';

export interface UnsupportedSeries {
  readonly labels: Labels;
  readonly reason: UnsupportedReason;
}

const NHCB_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

/** Appends the block's samples and commits. Returns the series it could not load, or the store's error. */
export async function loadIntoStore(
  store: Appendable,
  cmd: LoadCommand,
): Promise<{ unsupported: UnsupportedSeries[]; error: string | undefined }> {
  const bySeries = new Map<string, LoadedSeries>();
  for (const s of cmd.series) bySeries.set(labelKey(s.labels), s);
  const unsupported: UnsupportedSeries[] = [];
  const samples: { labels: Labels; line: number; t: number; v: number }[] = [];
  for (const s of bySeries.values()) {
    if (s.startTimestamps) unsupported.push({ labels: s.labels, reason: 'start timestamps' });
    let hasHistogram = false;
    s.values.forEach((v, i) => {
      if (v.kind === 'histogram') hasHistogram = true;
      if (v.kind === 'float' || v.kind === 'stale')
        samples.push({ labels: s.labels, line: s.line, t: i * cmd.stepMs, v: v.kind === 'stale' ? STALE_NAN : v.v });
    });
    if (hasHistogram) unsupported.push({ labels: s.labels, reason: 'native histograms' });
  }
  // Prometheus takes a whole load block in one transaction whose time window is
  // fixed when it starts, so a block may span hours. A head that checks each
  // sample against the newest one so far would refuse that; appending in time
  // order (stable, so per-series order is kept) is accepted either way.
  samples.sort((a, b) => a.t - b.t);
  const app = store.appender();
  const rejected: string[] = [];
  for (const x of samples) {
    const r = app.append(x.labels, x.t, x.v);
    if (!r.ok) rejected.push(`line ${x.line}: t=${x.t}ms: ${r.error.message}`);
  }
  if (cmd.withNhcb) unsupported.push(...nhcbSeries(bySeries.values()));
  // Samples the store accepted are kept even when others were rejected: later
  // evaluations still tell us something, and the rejection is reported.
  const committed = await app.commit();
  if (!committed.ok) return { unsupported, error: `commit failed: ${committed.error.message}` };
  if (rejected.length === 0) return { unsupported, error: undefined };
  const more = rejected.length > 3 ? ` (and ${rejected.length - 3} more)` : '';
  return { unsupported, error: `store rejected samples: ${rejected.slice(0, 3).join('; ')}${more}` };
}

/** The native histogram series `load_with_nhcb` derives from classic `_bucket`/`_count`/`_sum` series. */
function nhcbSeries(series: Iterable<LoadedSeries>): UnsupportedSeries[] {
  const out = new Map<string, UnsupportedSeries>();
  for (const s of series) {
    const name = s.labels['__name__'] ?? '';
    const suffix = NHCB_SUFFIXES.find((x) => name.endsWith(x));
    if (suffix === undefined || !s.values.some((v) => v.kind === 'float' || v.kind === 'stale')) continue;
    if (suffix === '_bucket') {
      const le = parseGoNumber(s.labels['le'] ?? '');
      if (le === undefined || Number.isNaN(le)) continue;
    }
    const { le: _le, ...rest } = s.labels;
    const labels = { ...rest, __name__: name.slice(0, -suffix.length) };
    out.set(labelKey(labels), { labels, reason: 'native histograms' });
  }
  return [...out.values()];
}
