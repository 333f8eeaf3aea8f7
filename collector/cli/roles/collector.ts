/**
 * `kubepulse collector`: node-local pipelines whose samples go through the
 * durable remote-write queue to the hub; /metrics shows what it collected.
 */
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { createSelfRegistry } from '../../http/self-metrics.js';
import { startPlainHttpShell } from '../../http/plain-shell.js';
import { sendText } from '../../http/route.js';
import type { Logger } from '../../log/index.js';
import { createRemoteWriteClient } from '../../remote/client/index.js';
import { err, ok, type Result } from '../../result.js';
import { prepareDataDir } from '../data-dir.js';
import { VERSION } from '../version.js';
import { renderMetrics } from './exposition.js';
import { kubeletWiring } from './kubelet-wiring.js';
import { nodeLocalPipelines, nodeName } from './local-pipelines.js';
import { podScrapeTransport, startPodScraping, targetsRoute } from './pod-scrape-wiring.js';
import type { RunningStack } from './stack.js';

export async function startCollector(config: Config, logger: Logger): Promise<Result<RunningStack, string>> {
  const url = config.remoteWrite.url;
  if (url === undefined) return err('the collector needs remoteWrite.url (--remote-write-url, KUBEPULSE_REMOTE_WRITE_URL): where to send samples');
  const scrapeTls = podScrapeTransport(config);
  if (!scrapeTls.ok) return scrapeTls;
  const queueDir = config.remoteWrite.queueDir ?? join(config.dataDir, 'remote-write-queue');
  const dir = await prepareDataDir(queueDir);
  if (!dir.ok) return dir;
  const registry = createSelfRegistry(VERSION);

  // node:http alone, not the hub's express shell (plain-shell.ts says why).
  const shell = await startPlainHttpShell(config.listen, config.web.tls, { logger });
  if (!shell.ok) return shell;
  const { server } = shell.value;

  let client;
  try {
    client = createRemoteWriteClient({
      url,
      queueDir,
      registry,
      logger,
      ...(config.remoteWrite.bearerTokenFile !== undefined ? { bearerTokenFile: config.remoteWrite.bearerTokenFile } : {}),
      ...(config.remoteWrite.username !== undefined
        ? { basicAuth: { username: config.remoteWrite.username, ...(config.remoteWrite.passwordFile !== undefined ? { passwordFile: config.remoteWrite.passwordFile } : {}) } }
        : {}),
      tls: {
        insecureSkipVerify: config.remoteWrite.insecureSkipVerify,
        ...(config.remoteWrite.caFile !== undefined ? { caFile: config.remoteWrite.caFile } : {}),
      },
    });
  } catch (e) {
    await server.close(0);
    return err(e instanceof Error ? e.message : String(e));
  }
  const queue = await client.ready();
  if (!queue.ok) {
    await server.close(0);
    return err(`cannot open the remote-write queue in ${queueDir}: ${queue.error.message}`);
  }

  const kubelet = kubeletWiring(config, nodeName(config), logger);
  const pipelines = nodeLocalPipelines(config, client, logger, registry, kubelet);
  const podList = kubelet.podList;
  const pods = podList && startPodScraping({ config, node: nodeName(config), podList, appendable: client, logger, registry, ...(scrapeTls.value ? { transport: scrapeTls.value } : {}) });
  shell.value.get('/api/v1/targets', targetsRoute(pods?.targets ?? (() => ({ active: [], dropped: [] }))));
  shell.value.get('/metrics', async (_req, res) => {
    sendText(res, 200, registry.contentType, await renderMetrics(registry, pipelines));
  });
  const stopping = new AbortController();
  const running = pipelines.map((p) => p.run(stopping.signal));
  shell.value.setReady(true);
  logger.info('kubepulse started', { role: 'collector', version: VERSION, listen: server.address, remoteWrite: url });

  return ok({
    address: server.address,
    async stop() {
      shell.value.setReady(false);
      stopping.abort();
      await Promise.allSettled(running);
      // Before the queue closes, so the scraped series' staleness markers are queued with the rest.
      await pods?.stop();
      await server.close(config.shutdownTimeout);
      // Whatever could not be sent in time stays queued on disk for the next start.
      await client.close(config.shutdownTimeout);
    },
  });
}
