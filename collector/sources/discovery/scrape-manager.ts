/**
 * Keeps one scrape loop running per discovered target and hands every
 * collection to an Appendable. `sync()` is given the whole desired set each
 * time discovery has news: new targets start, targets that are gone (pod
 * deleted, annotation removed, IP or labels changed) stop, and their loop's
 * last act is to write staleness markers for every series the target had,
 * report series included, so queries stop showing them at once.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../log/index.js';
import type { Appendable, Labels } from '../../tsdb/interface.js';
import { isStaleNaN, runScrapeLoop, ScrapeTarget, type ScrapeHealth, type ScrapeTransport } from '../scrape/index.js';
import type { Collection } from '../source.js';
import type { DroppedPodTarget, PodTargetSpec } from './pod-targets.js';

export interface ScrapeLimits {
  /** 0: no limit (each of them). */
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly bodySizeLimit: number;
}

export interface ScrapeManagerOptions {
  readonly appendable: Appendable;
  readonly logger: Logger;
  /** Shown as the targets' scrapePool; default `kubernetes-pods`. */
  readonly scrapePool?: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly limits: ScrapeLimits;
  /** Connection settings for https targets, shared by every target (TLS: see scrapeTlsAgent). */
  readonly transport?: ScrapeTransport;
  /** Gets `kubepulse_target_scrape_failures_total{scrape_pool,reason}`. */
  readonly registry?: Registry;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
  /** Passed to each loop; tests pass one that moves a fake clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A running target and how its last scrape went. */
export interface ActiveScrapeTarget {
  readonly spec: PodTargetSpec;
  readonly scrapePool: string;
  readonly health: ScrapeHealth;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export interface ScrapeManager {
  /** Makes the running loops match `active`; `dropped` is only remembered for `targets()`. */
  sync(active: readonly PodTargetSpec[], dropped?: readonly DroppedPodTarget[]): void;
  /** Running targets in a stable order (by URL), and the dropped ones of the last sync. */
  targets(): { readonly active: readonly ActiveScrapeTarget[]; readonly dropped: readonly DroppedPodTarget[] };
  /** Stops every loop; resolves once all their staleness markers are committed. */
  stop(): Promise<void>;
}

interface Running {
  readonly spec: PodTargetSpec;
  readonly target: ScrapeTarget;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** Why a scrape failed, as a small closed set for the failure counter. */
export type ScrapeFailureReason =
  'sample_limit' | 'label_limit' | 'body_size_limit' | 'timeout' | 'http_status' | 'invalid_exposition' | 'connection';

export function classifyScrapeError(message: string): ScrapeFailureReason {
  if (message.startsWith('sample_limit')) return 'sample_limit';
  if (message.startsWith('label_')) return 'label_limit';
  if (message.startsWith('body size limit')) return 'body_size_limit';
  if (message.startsWith('scrape timed out')) return 'timeout';
  if (message.startsWith('server returned HTTP status')) return 'http_status';
  if (message.startsWith('invalid exposition')) return 'invalid_exposition';
  return 'connection';
}

/**
 * @example
 * const manager = createScrapeManager({ appendable: remoteWriteClient, logger, intervalMs: 30_000, timeoutMs: 10_000, limits });
 * manager.sync(podTargets(pods, { node, intervalMs: 30_000, timeoutMs: 10_000 }).active);
 * // on shutdown, before the appendable closes:
 * await manager.stop();
 */
export function createScrapeManager(options: ScrapeManagerOptions): ScrapeManager {
  const pool = options.scrapePool ?? 'kubernetes-pods';
  const clock = options.clock ?? Date.now;
  const running = new Map<string, Running>();
  let dropped: readonly DroppedPodTarget[] = [];
  let stopped = false;
  const failures = options.registry ? failureCounter(options.registry) : undefined;
  const timeoutMs = Math.min(options.timeoutMs, options.intervalMs);

  const append = async (spec: PodTargetSpec, c: Collection, signal: AbortSignal): Promise<void> => {
    // A scrape cut short by the stop is not a failure of the target: keep only its staleness markers.
    const samples = signal.aborted ? c.samples.filter((s) => isStaleNaN(s.value)) : c.samples;
    if (!signal.aborted) {
      for (const p of c.problems) {
        failures?.inc({ scrape_pool: pool, reason: classifyScrapeError(p.message) });
        options.logger.warn('scrape failed', { target: p.place, error: p.message });
      }
    }
    if (samples.length === 0) return;
    const app = options.appendable.appender();
    const now = clock();
    let rejected = 0;
    for (const s of samples) if (!app.append(s.labels, s.t ?? now, s.value).ok) rejected++;
    const committed = await app.commit();
    if (!committed.ok) options.logger.error('commit failed', { target: spec.url, error: committed.error });
    if (rejected > 0) options.logger.debug('samples rejected', { target: spec.url, rejected });
  };

  const start = (spec: PodTargetSpec): Running => {
    const { job = pool, ...targetLabels } = spec.labels as Labels & { job?: string };
    const target = new ScrapeTarget({
      url: spec.url,
      job,
      targetLabels,
      timeoutMs,
      clock,
      ...scrapeLimits(options.limits),
      ...(options.transport ? { transport: options.transport } : {}),
    });
    const stop = new AbortController();
    const done = runScrapeLoop(target, {
      intervalMs: options.intervalMs,
      signal: stop.signal,
      clock,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onCollection: (c) => append(spec, c, stop.signal),
    }).catch((e: unknown) => options.logger.error('scrape loop failed', { target: spec.url, error: e }));
    options.logger.info('scrape target added', { target: spec.url, labels: spec.labels });
    return { spec, target, stop, done };
  };

  const retire = (r: Running): Promise<void> => {
    r.stop.abort();
    options.logger.info('scrape target removed', { target: r.spec.url });
    return r.done;
  };

  return {
    sync(active, droppedNow = []) {
      if (stopped) return;
      dropped = droppedNow;
      const wanted = new Map(active.map((s) => [s.key, s]));
      for (const [key, r] of running) {
        if (!wanted.has(key)) {
          running.delete(key);
          void retire(r);
        }
      }
      for (const [key, spec] of wanted) if (!running.has(key)) running.set(key, start(spec));
    },
    targets() {
      const active = [...running.values()]
        .sort((a, b) => (a.spec.url < b.spec.url ? -1 : a.spec.url > b.spec.url ? 1 : 0))
        .map((r) => ({
          spec: r.spec,
          scrapePool: pool,
          health: r.target.health,
          intervalMs: options.intervalMs,
          timeoutMs,
        }));
      return { active, dropped };
    },
    async stop() {
      stopped = true;
      const all = [...running.values()];
      running.clear();
      await Promise.all(all.map(retire));
    },
  };
}

function scrapeLimits(l: ScrapeLimits) {
  return {
    ...(l.sampleLimit > 0 ? { sampleLimit: l.sampleLimit } : {}),
    ...(l.labelLimit > 0 ? { labelLimit: l.labelLimit } : {}),
    ...(l.labelNameLengthLimit > 0 ? { labelNameLengthLimit: l.labelNameLengthLimit } : {}),
    ...(l.labelValueLengthLimit > 0 ? { labelValueLengthLimit: l.labelValueLengthLimit } : {}),
    ...(l.bodySizeLimit > 0 ? { bodyLimitBytes: l.bodySizeLimit } : {}),
  };
}

const counters = new WeakMap<Registry, Counter<'scrape_pool' | 'reason'>>();

/** One counter per registry, however many managers share it. */
function failureCounter(registry: Registry): Counter<'scrape_pool' | 'reason'> {
  let c = counters.get(registry);
  if (!c) {
    c = new Counter({
      name: 'kubepulse_target_scrape_failures_total',
      help: 'Scrapes of discovered targets that failed (up=0), by reason: a limit, a timeout, an HTTP status, a bad exposition, a connection error.',
      labelNames: ['scrape_pool', 'reason'],
      registers: [registry],
    });
    counters.set(registry, c);
  }
  return c;
}
