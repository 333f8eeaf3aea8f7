/**
 * Scraping this node's annotated pods (Prometheus' `kubernetes-pods` job):
 * the kubelet's /pods, read through the shared pod-list cache, becomes the
 * desired target set; a scrape manager runs one loop per target into the
 * given Appendable; /api/v1/targets shows them in Prometheus' JSON shape.
 */
import type { Registry } from 'prom-client';
// Not the api index: the collector must not load the query API behind it.
import { formValues } from '../../api/params.js';
import { sendOutcome } from '../../api/respond.js';
import { targetsOutcome, type ApiTarget, type TargetsProvider, type TargetsSnapshot } from '../../api/rules-routes.js';
import { formatDuration, type Config } from '../../config/index.js';
import type { RouteHandler } from '../../http/route.js';
import type { Logger } from '../../log/index.js';
import {
  createScrapeManager,
  KUBERNETES_PODS_JOB,
  podTargets,
  type ActiveScrapeTarget,
  type DiscoveredPods,
  type ScrapeManager,
} from '../../sources/discovery/index.js';
import { err, ok, type Result } from '../../result.js';
import { scrapeTlsAgent, type ScrapeTransport } from '../../sources/scrape/index.js';
import type { Appendable } from '../../tsdb/index.js';
import type { PodListCache } from './kubelet-wiring.js';

export interface PodScrapingOptions {
  readonly config: Config;
  /** This node's name (the `node` label, and which pods are ours). */
  readonly node: string;
  /** From `kubeletWiring(...).podList`: the same /pods fetch the cgroup source uses. */
  readonly podList: PodListCache;
  readonly appendable: Appendable;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** From `scrapeTlsAgent(config.scrape.tls)`, made at start so a bad CA file stops the start. */
  readonly transport?: ScrapeTransport;
}

export interface PodScraping {
  /** The active and dropped targets, for /api/v1/targets (`createApiRouter({ targets })` or `targetsRoute`). */
  readonly targets: TargetsProvider;
  /** Stops every scrape loop; resolves once their staleness markers are appended. Call before the Appendable closes. */
  stop(): Promise<void>;
}

/**
 * How annotated pods' https endpoints are reached (scrape.tls), built at start so a CA file that
 * cannot be read stops the start with its name rather than failing every scrape later.
 */
export function podScrapeTransport(config: Config): Result<ScrapeTransport | undefined, string> {
  const agent = scrapeTlsAgent(config.scrape.tls);
  return agent.ok ? ok(agent.value) : err(`scrape.tls: ${agent.error.message}`);
}

/**
 * Starts discovery and scraping, or returns undefined when `scrape.pods` is off.
 *
 * @example
 * const kubelet = kubeletWiring(config, node, logger);
 * const scraping = kubelet.podList && startPodScraping({ config, node, podList: kubelet.podList, appendable, logger, registry });
 * if (scraping) shell.get('/api/v1/targets', targetsRoute(scraping.targets));
 * // shutdown: await scraping?.stop(); then close the appendable
 */
export function startPodScraping(options: PodScrapingOptions): PodScraping | undefined {
  const { config, podList } = options;
  if (!config.scrape.pods) return undefined;
  const logger = options.logger.child({ component: 'pod-scrape' });
  const intervalMs = config.pipelines.full.interval;
  const timeoutMs = Math.min(config.scrape.timeout, intervalMs);
  const { sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit, bodySizeLimit } = config.scrape;
  const manager: ScrapeManager = createScrapeManager({
    appendable: options.appendable,
    logger,
    scrapePool: KUBERNETES_PODS_JOB,
    intervalMs,
    timeoutMs,
    limits: { sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit, bodySizeLimit },
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  });
  let reported = new Set<string>();
  const sync = (pods: DiscoveredPods): void => {
    const found = podTargets(pods.pods, { node: options.node, intervalMs, timeoutMs });
    // Only new problems are logged: the same bad annotation would otherwise repeat at every refresh.
    const now = new Set(found.problems);
    for (const p of now) if (!reported.has(p)) logger.warn('pod not scraped', { error: p });
    reported = now;
    manager.sync(found.active, found.dropped);
  };
  const unsubscribe = podList.onUpdate(sync);
  const current = podList.pods();
  if (current) sync(current);

  // The cgroup source refreshes the list when it looks pods up; this keeps it fresh when nothing else asks.
  const timer = setInterval(() => podList.refresh(), Math.max(1_000, podList.maxAgeMs / 2));
  timer.unref();
  podList.refresh();

  return {
    targets: () => toTargetsSnapshot(manager.targets()),
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await manager.stop();
    },
  };
}

/** The manager's view in Prometheus' /api/v1/targets field names and spellings. */
export function toTargetsSnapshot(t: ReturnType<ScrapeManager['targets']>): TargetsSnapshot {
  return {
    active: t.active.map(toApiTarget),
    dropped: t.dropped.map((d) => ({ discoveredLabels: d.discoveredLabels, scrapePool: KUBERNETES_PODS_JOB })),
  };
}

function toApiTarget(t: ActiveScrapeTarget): ApiTarget {
  const h = t.health;
  return {
    discoveredLabels: t.spec.discoveredLabels,
    labels: t.spec.labels,
    scrapePool: t.scrapePool,
    scrapeUrl: t.spec.url,
    globalUrl: t.spec.url,
    lastError: h.lastError ?? '',
    // Go's zero time, as Prometheus shows a target not scraped yet.
    lastScrape: h.lastScrapeMs === undefined ? '0001-01-01T00:00:00Z' : new Date(h.lastScrapeMs).toISOString(),
    lastScrapeDuration: (h.lastDurationMs ?? 0) / 1000,
    health: h.health,
    scrapeInterval: formatDuration(t.intervalMs),
    scrapeTimeout: formatDuration(t.timeoutMs),
  };
}

/** GET /api/v1/targets alone (with its `state` and `scrapePool` filters), for the collector's plain HTTP shell. */
export function targetsRoute(targets: TargetsProvider): RouteHandler {
  return (req, res) => sendOutcome(res, targetsOutcome(targets, formValues(req)));
}
