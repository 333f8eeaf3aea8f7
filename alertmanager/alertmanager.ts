/**
 * The running Alertmanager: alert store, dispatcher, inhibitor, silences,
 * notification log and notification pipeline, built from one loaded config
 * and rebuilt on reload (alerts, silences and the log survive a reload).
 */
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { Alert } from '../collector/ruler/alert.js';
import { AlertStore, normalizeAlert, validateAlert, type IncomingAlert } from './alerts/index.js';
import type { LoadedConfig, NamedTimeInterval } from './config/index.js';
import { buildRouteTree, Dispatcher, type Clock, type Route } from './dispatch/index.js';
import { Inhibitor } from './inhibit/index.js';
import { NotificationLog } from './nflog/index.js';
import { buildPipeline } from './notify/pipeline.js';
import { buildReceivers } from './notify/receivers.js';
import { NotificationTemplate } from './templates/index.js';
import { notifyMetrics, type NotifyMetrics } from './notify/metrics.js';
import type { Integration } from './notify/integration.js';
import { err, ok, type Result } from './result.js';
import { Silences } from './silence/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** The logging seam: one function, so the role entry point can adapt any logger. */
export type AmLogger = (level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface AlertmanagerCoreOptions {
  readonly config: LoadedConfig;
  /** Silences (silences.json) and the notification log (nflog.json) live here. */
  readonly dataDir: string;
  readonly clock?: Clock;
  readonly logger?: AmLogger;
  readonly registry?: Registry;
  /** The URL users reach this Alertmanager at; goes into notifications. */
  readonly externalUrl: string;
  /** How long expired silences and log entries are kept (Alertmanager's --data.retention, 120h). */
  readonly retentionMs?: number;
  /** First retry wait (doubles each time); tests shorten it. */
  readonly initialBackoffMs?: number;
  /** How often empty groups and expired state are dropped. */
  readonly maintenanceIntervalMs?: number;
}

export interface PostResult {
  readonly accepted: number;
  /** One message per rejected alert, naming its position. */
  readonly errors: readonly string[];
}

export class AlertmanagerCore {
  readonly store = new AlertStore();
  readonly clock: Clock;
  readonly log: AmLogger;
  readonly startedAt: number;
  #loaded: LoadedConfig;
  #route!: Route;
  #inhibitor!: Inhibitor;
  #dispatcher: Dispatcher | undefined;
  #receivers = new Map<string, Integration[]>();
  readonly #abort = new AbortController();
  readonly #metrics: NotifyMetrics;
  readonly #gcTimer: NodeJS.Timeout;

  private constructor(
    private readonly o: AlertmanagerCoreOptions,
    readonly silences: Silences,
    readonly nflog: NotificationLog,
    template: NotificationTemplate,
  ) {
    this.clock = o.clock ?? Date.now;
    this.log = o.logger ?? (() => undefined);
    this.startedAt = this.clock();
    this.#loaded = o.config;
    this.#metrics = notifyMetrics(o.registry);
    this.#apply(o.config, template);
    this.#gcTimer = setInterval(() => void this.#gc(), o.maintenanceIntervalMs ?? 15 * 60_000);
    this.#gcTimer.unref?.();
  }

  static async open(o: AlertmanagerCoreOptions): Promise<Result<AlertmanagerCore, Error>> {
    const clock = o.clock ?? Date.now;
    const retentionMs = o.retentionMs ?? 120 * 3600_000;
    const silences = await Silences.open({ file: path.join(o.dataDir, 'silences.json'), retentionMs, clock });
    if (!silences.ok) return err(silences.error);
    const nflog = await NotificationLog.open({ file: path.join(o.dataDir, 'nflog.json'), retentionMs, clock });
    if (!nflog.ok) return err(nflog.error);
    const template = await NotificationTemplate.load(o.config.templateGlobs, clock);
    if (!template.ok) return err(template.error);
    return ok(new AlertmanagerCore(o, silences.value, nflog.value, template.value));
  }

  get config(): LoadedConfig {
    return this.#loaded;
  }
  get route(): Route {
    return this.#route;
  }
  get inhibitor(): Inhibitor {
    return this.#inhibitor;
  }
  get dispatcher(): Dispatcher | undefined {
    return this.#dispatcher;
  }
  receiverNames(): string[] {
    return this.#loaded.config.receivers.map((r) => r.name);
  }

  #apply(loaded: LoadedConfig, template: NotificationTemplate): void {
    const cfg = loaded.config;
    this.#route = buildRouteTree(cfg.route);
    this.#inhibitor = new Inhibitor(cfg.inhibit_rules, () => this.store.list());
    const intervals = new Map<string, NamedTimeInterval>();
    for (const ti of [...cfg.mute_time_intervals, ...cfg.time_intervals]) intervals.set(ti.name, ti);
    const warn = (msg: string, fields: Readonly<Record<string, unknown>>): void => this.log('warn', msg, fields);
    this.#receivers = buildReceivers(loaded, { externalUrl: this.o.externalUrl, template, warn });
    const flush = buildPipeline({
      receivers: this.#receivers,
      inhibitor: this.#inhibitor,
      silences: this.silences,
      timeIntervals: intervals,
      nflog: this.nflog,
      retry: {
        clock: this.clock,
        metrics: this.#metrics,
        log: (msg, fields) => this.log('warn', msg, fields),
        initialBackoffMs: this.o.initialBackoffMs,
      },
      signal: this.#abort.signal,
      log: (msg, fields) => this.log('error', msg, fields),
    });
    // The old groups' running flushes finish on their own; their alerts are regrouped below.
    void this.#dispatcher?.stop();
    this.#dispatcher = new Dispatcher({
      route: this.#route,
      store: this.store,
      clock: this.clock,
      flush,
      onError: (e) => this.log('error', 'flush failed', { error: String(e) }),
      maintenanceIntervalMs: this.o.maintenanceIntervalMs,
    });
  }

  /**
   * Swaps in a new config; alerts are regrouped under the new routes. A
   * config whose templates fail to load is rejected and the old one stays.
   */
  async reload(loaded: LoadedConfig): Promise<Result<void, Error>> {
    const template = await NotificationTemplate.load(loaded.templateGlobs, this.clock);
    if (!template.ok) return template;
    this.#loaded = loaded;
    this.#apply(loaded, template.value);
    this.log('info', 'configuration reloaded', { file: loaded.file });
    return ok(undefined);
  }

  /** Accepts alerts as API v2 does: each valid one is stored, each invalid one reported. */
  postAlerts(alerts: readonly IncomingAlert[]): PostResult {
    const now = this.clock();
    const resolveTimeoutMs = this.#loaded.config.global.resolve_timeout ?? 5 * 60_000;
    const errors: string[] = [];
    const valid = [];
    for (const [i, a] of alerts.entries()) {
      const stored = normalizeAlert(a, now, resolveTimeoutMs);
      const why = validateAlert(stored);
      if (why) errors.push(`alerts[${i}]: ${why}`);
      else valid.push(stored);
    }
    this.store.put(valid, now);
    return { accepted: valid.length, errors };
  }

  /** The ruler's AlertSink: endsAt/startsAt 0 mean unset. */
  post(alerts: readonly Alert[]): Promise<void> {
    const r = this.postAlerts(
      alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt || undefined,
        endsAt: a.endsAt || undefined,
        generatorURL: a.generatorURL,
      })),
    );
    for (const e of r.errors) this.log('warn', 'alert rejected', { error: e });
    return Promise.resolve();
  }

  async #gc(): Promise<void> {
    try {
      this.store.gc(this.clock());
      await this.silences.gc();
      await this.nflog.gc();
    } catch (e) {
      this.log('error', 'maintenance failed', { error: String(e) });
    }
  }

  /** Cancels notifications in progress, waits for them to end, and for state files to be written. */
  async stop(): Promise<void> {
    clearInterval(this.#gcTimer);
    this.#abort.abort();
    const d = this.#dispatcher;
    this.#dispatcher = undefined;
    await d?.stop();
    await this.nflog.close();
    await this.silences.close();
  }
}
