/**
 * `kubepulse start` (the all-in-one stack on this machine) and `kubepulse hub`
 * (the cluster's store, API, ruler and dashboard). This is one of the few
 * places that knows every concrete part; it builds them and wires them.
 */
import { createApiRouter } from '../../api/index.js';
import { createMetricsApiRouter, createResourceMetrics } from '../../api/metrics-k8s/index.js';
import { formatDuration, type Config } from '../../config/index.js';
import { createSelfRegistry } from '../../http/self-metrics.js';
import { startHttpShell } from '../../http/shell.js';
import type { Logger } from '../../log/index.js';
import type { Pipeline } from '../../pipelines/index.js';
import { createEngine, formatExpr, parseExpr } from '../../promql/index.js';
import { createMetadataStore, createRemoteWriteHandler } from '../../remote/index.js';
import { ok, type Result } from '../../result.js';
import { openTsdb } from '../../tsdb/index.js';
import { createDashboardRouter } from '../../../dashboard/index.js';
import { prepareDataDir } from '../data-dir.js';
import { VERSION } from '../version.js';
import { pipelineMetadata, renderMetrics } from './exposition.js';
import { alertsStatus, rulesStatus } from './ruler-status.js';
import { startRuler } from './rules-wiring.js';
import { reloadAlertmanager, startEmbeddedAlertmanager } from './alertmanager-wiring.js';
import { clusterPipeline, kubeConnection, type Role } from './cluster-pipeline.js';
import { kubeletWiring } from './kubelet-wiring.js';
import { podScrapeTransport, startPodScraping, type PodScraping } from './pod-scrape-wiring.js';
import { nodeLocalPipelines, nodeName } from './local-pipelines.js';
import { scheduleHousekeeping } from './housekeeping.js';
import { startMetricsApi } from './metrics-api-wiring.js';
import { loadWriteAuth } from './write-auth.js';

export interface RunningStack {
  readonly address: string;
  /** Stops collection, lets in-flight requests finish, closes the store. */
  stop(): Promise<void>;
}

export async function startStack(config: Config, logger: Logger, role: Role): Promise<Result<RunningStack, string>> {
  const dataDir = await prepareDataDir(config.dataDir);
  if (!dataDir.ok) return dataDir;
  const writeAuth = await loadWriteAuth(config.web);
  if (!writeAuth.ok) return writeAuth;
  // Only `start` scrapes its node's annotated pods; the hub has no node of its own.
  const scrapeTls = role === 'start' ? podScrapeTransport(config) : ok(undefined);
  if (!scrapeTls.ok) return scrapeTls;
  const startTimeMs = Date.now();
  const registry = createSelfRegistry(VERSION);

  // Bind the port first, as Prometheus does: a taken port fails at once, and
  // /-/healthy answers (with /-/ready at 503) while the WAL replays.
  const shell = await startHttpShell(config.listen, config.web.tls, { logger });
  if (!shell.ok) return shell;
  const { app, server } = shell.value;

  const opened = await openTsdb({
    dir: config.dataDir,
    logger: logger.child({ component: 'tsdb' }),
    registry,
    retentionMs: config.storage.retention,
    outOfOrderWindowMs: config.storage.outOfOrderWindow,
    ...(config.storage.retentionBytes !== undefined ? { retentionBytes: config.storage.retentionBytes } : {}),
  });
  if (!opened.ok) {
    await server.close(0);
    return { ok: false, error: `cannot open the store in ${config.dataDir}: ${opened.error.message}` };
  }
  const tsdb = opened.value;
  const engine = createEngine(tsdb);

  // `start` collects this machine itself; the hub receives its collectors' samples by remote write.
  const kubelet = role === 'start' ? kubeletWiring(config, nodeName(config), logger) : undefined;
  const pipelines: Pipeline[] = kubelet ? nodeLocalPipelines(config, tsdb, logger, registry, kubelet) : [];
  // Annotated pods of this node, when `start` runs on a node with its kubelet configured; started last.
  const pods: { scraping?: PodScraping } = {};
  const connection = kubeConnection(config, role, process.env);
  const cluster = connection ? clusterPipeline(config, role, connection, tsdb, logger, registry) : undefined;
  if (cluster && !cluster.ok) {
    await server.close(0);
    await tsdb.close();
    return cluster;
  }
  if (cluster) pipelines.push(...cluster.value.pipelines);

  const stopping = new AbortController();
  const externalUrl = config.alerting.externalUrl ?? `${server.scheme}://${server.address}`;
  const am = await startEmbeddedAlertmanager(config, logger, registry, externalUrl, VERSION);
  if (!am.ok) {
    await server.close(0);
    await tsdb.close();
    return am;
  }
  const embedded = am.value;
  const ruler = await startRuler(
    { config, engine, tsdb, logger, registry, externalUrl, extraSinks: embedded ? [(alerts) => embedded.post(alerts)] : [] },
    stopping.signal,
  );
  if (!ruler.ok) {
    stopping.abort();
    await embedded?.stop();
    await server.close(0);
    await tsdb.close();
    return ruler;
  }
  if (embedded) {
    app.use(embedded.router);
    const reload = (): void => void reloadAlertmanager(embedded, config, logger);
    process.on('SIGHUP', reload);
    stopping.signal.addEventListener('abort', () => process.off('SIGHUP', reload), { once: true });
  }

  const remoteMetadata = createMetadataStore();
  app.get('/metrics', (_req, res, next) => {
    renderMetrics(registry, pipelines)
      .then((text) => void res.type(registry.contentType).send(text))
      .catch(next);
  });
  app.use(
    createApiRouter({
      engine,
      queryable: tsdb,
      remoteWrite: createRemoteWriteHandler({ appendable: tsdb, metadata: remoteMetadata, registry, logger }),
      ...(writeAuth.value ? { writeAuth: writeAuth.value } : {}),
      targets: () => pods.scraping?.targets() ?? { active: [], dropped: [] },
      metadata: [pipelineMetadata(pipelines), remoteMetadata],
      buildInfo: { version: VERSION, revision: '', branch: '', buildUser: '', buildDate: '', goVersion: process.version },
      startTimeMs,
      rules: () => rulesStatus(ruler.value),
      alerts: () => alertsStatus(ruler.value),
      tsdbStatus: (limit) => tsdb.stats(limit),
      walReplay: () => tsdb.walReplayStatus(),
      admin: tsdb,
      storageRetention: formatDuration(config.storage.retention),
      formatQuery: (expr) => {
        const parsed = parseExpr(expr);
        return parsed.ok ? ok(formatExpr(parsed.value)) : parsed;
      },
      flags: () => ({ listen: config.listen, 'data-dir': config.dataDir, 'resource-interval': `${config.pipelines.resource.interval / 1000}s`, 'full-interval': `${config.pipelines.full.interval / 1000}s` }),
    }),
  );
  // metrics.k8s.io for kubectl top and autoscalers; the rate window spans four collections.
  const resourceMetrics = createResourceMetrics({ engine, windowMs: Math.max(60_000, 4 * config.pipelines.resource.interval) });
  app.use(createMetricsApiRouter(resourceMetrics));
  // The same metrics on their own HTTPS port for the API aggregation layer (metricsApi.listen), when configured.
  const metricsApi = await startMetricsApi(config, resourceMetrics, connection, logger);
  if (!metricsApi.ok) {
    stopping.abort();
    await embedded?.stop();
    await server.close(0);
    await tsdb.close();
    return metricsApi;
  }
  if (config.dashboard.enabled) app.use(createDashboardRouter({ scrapeIntervalMs: config.pipelines.resource.interval }));

  const running = pipelines.map((p) => p.run(stopping.signal));
  const podList = kubelet?.podList;
  pods.scraping = podList && startPodScraping({ config, node: nodeName(config), podList, appendable: tsdb, logger, registry, ...(scrapeTls.value ? { transport: scrapeTls.value } : {}) });
  scheduleHousekeeping(tsdb, logger, stopping.signal);
  shell.value.setReady(true);
  logger.info('kubepulse started', { role, version: VERSION, listen: server.address, dataDir: config.dataDir });

  return ok({
    address: server.address,
    async stop() {
      shell.value.setReady(false);
      stopping.abort();
      await Promise.allSettled(running);
      // Before the store closes, so the scraped series' staleness markers are kept.
      await pods.scraping?.stop();
      await server.close(config.shutdownTimeout);
      await metricsApi.value.stop();
      if (cluster?.ok) await cluster.value.source.stop();
      await embedded?.stop();
      await tsdb.close();
    },
  });
}
