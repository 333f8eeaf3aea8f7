/**
 * The ruler as the roles run it: the shipped rule pack plus the user's files,
 * alerts to every configured Alertmanager, reload on SIGHUP.
 */
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { QueryEngine } from '../../promql/index.js';
import { err, ok, type Result } from '../../result.js';
import { createAlertmanagerSink, engineQueryFn, Ruler, type AlertSink } from '../../ruler/index.js';
import type { Tsdb } from '../../tsdb/index.js';

/** rules/*.yaml of the package (not the *.test.yaml unit tests beside them). */
export function shippedRuleFiles(): string[] {
  for (const rel of ['../../../rules', '../../../../rules']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'));
    if (files.length > 0) return files.sort().map((f) => join(dir, f));
  }
  return [];
}

export interface RulerWiring {
  readonly config: Config;
  readonly engine: QueryEngine;
  readonly tsdb: Tsdb;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The URL alerts link back to. */
  readonly externalUrl: string;
  /** Sinks besides the configured Alertmanager URLs (the embedded alertmanager). */
  readonly extraSinks?: readonly AlertSink[];
}

export async function startRuler(w: RulerWiring, signal: AbortSignal): Promise<Result<Ruler, string>> {
  const { config, logger } = w;
  const sinks: AlertSink[] = [...(w.extraSinks ?? [])];
  if (config.alerting.alertmanagers.length > 0) {
    sinks.push(createAlertmanagerSink({ urls: config.alerting.alertmanagers, logger: logger.child({ component: 'notifier' }), registry: w.registry }));
  }
  const ruler = new Ruler({
    files: [...(config.rules.shippedPack ? shippedRuleFiles() : []), ...config.rules.files],
    evaluationIntervalMs: config.rules.evaluationInterval,
    queryOffsetMs: config.rules.queryOffset,
    query: engineQueryFn(w.engine),
    appendable: w.tsdb,
    queryable: w.tsdb,
    sink: async (alerts) => void (await Promise.allSettled(sinks.map((s) => s(alerts)))),
    externalLabels: config.alerting.externalLabels,
    externalUrl: w.externalUrl,
    resendDelayMs: config.alerting.resendDelay,
    logger,
  });
  const loaded = await ruler.load();
  if (!loaded.ok) return err(`invalid rule files:\n${loaded.error.join('\n')}`);
  logger.info('rules loaded', { groups: loaded.value.groups, rules: loaded.value.rules });
  ruler.run(signal);
  const reload = (): void => {
    void ruler.load().then((r) => {
      if (r.ok) logger.info('rules reloaded', { groups: r.value.groups, rules: r.value.rules });
      else logger.error('reloading rules failed; the previous rules keep running', { errors: r.error });
    });
  };
  process.on('SIGHUP', reload);
  const watchers = watchRuleDirs(ruler.options.files, reload, logger);
  signal.addEventListener(
    'abort',
    () => {
      process.off('SIGHUP', reload);
      for (const w of watchers) w.close();
    },
    { once: true },
  );
  return ok(ruler);
}

/**
 * Reloads when a rule file changes on disk: the directories holding the files
 * (or the globs' fixed part) are watched, and a burst of events — editors
 * write, rename and chmod — becomes one reload half a second later.
 */
function watchRuleDirs(files: readonly string[], reload: () => void, logger: Logger): FSWatcher[] {
  const dirs = new Set(files.map((f) => resolve(dirname(f.split(/[*?[]/)[0] + 'x'))));
  let timer: NodeJS.Timeout | undefined;
  const onChange = (_event: string, name: string | Buffer | null): void => {
    if (name !== null && !/\.ya?ml$/.test(String(name))) return;
    clearTimeout(timer);
    timer = setTimeout(reload, 500);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    try {
      watchers.push(watch(dir, { persistent: false }, onChange));
    } catch (e) {
      logger.warn('cannot watch rule files for changes; reload with SIGHUP', { dir, error: String(e) });
    }
  }
  return watchers;
}
