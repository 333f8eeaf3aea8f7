/**
 * /api/v1/status/*: build, config, flags, runtime, TSDB cardinality and WAL
 * replay. What the process knows about itself is injected; TSDB statistics are
 * computed from the Queryable unless the store offers its own.
 */
import type { Router } from 'express';
import { availableParallelism } from 'node:os';
import { err, ok } from '../result.js';
import type { Queryable } from '../tsdb/interface.js';
import { invalidParam } from './api-error.js';
import { formValues } from './params.js';
import { endpoint, type ApiOutcome } from './respond.js';

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

export interface NameCount {
  readonly name: string;
  readonly value: number;
}
export interface TsdbStatus {
  readonly headStats: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    /** ms; null while the store is empty. */
    readonly minTime: number | null;
    readonly maxTime: number | null;
  };
  readonly seriesCountByMetricName: readonly NameCount[];
  readonly labelValueCountByLabelName: readonly NameCount[];
  readonly memoryInBytesByLabelName: readonly NameCount[];
  readonly seriesCountByLabelValuePair: readonly NameCount[];
}
export interface WalReplayStatus {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

export interface StatusRouteDeps {
  readonly queryable: Queryable;
  readonly clock: () => number;
  readonly buildInfo?: BuildInfo;
  /** The running configuration as YAML. */
  readonly config?: () => string;
  readonly flags?: () => Readonly<Record<string, string>>;
  /** ms since epoch. */
  readonly startTimeMs?: number;
  readonly lastConfigTimeMs?: () => number;
  readonly reloadConfigSuccess?: () => boolean;
  /** e.g. "15d". */
  readonly storageRetention?: string;
  readonly tsdbStatus?: (limit: number) => TsdbStatus;
  readonly walReplay?: () => WalReplayStatus;
}

const DEFAULT_BUILD: BuildInfo = {
  version: '0.1.0',
  revision: 'unknown',
  branch: 'unknown',
  buildUser: 'unknown',
  buildDate: 'unknown',
  goVersion: `node ${process.version}`,
};

export function registerStatusRoutes(router: Router, deps: StatusRouteDeps): void {
  const startTimeMs = deps.startTimeMs ?? deps.clock();
  const get = (path: string, fn: () => unknown) =>
    router.get(
      `/api/v1/status/${path}`,
      endpoint(() => ok({ data: fn() })),
    );

  get('buildinfo', () => deps.buildInfo ?? DEFAULT_BUILD);
  get('config', () => ({ yaml: deps.config?.() ?? '' }));
  get('flags', () => deps.flags?.() ?? {});
  get('walreplay', () => deps.walReplay?.() ?? { min: 0, max: 0, current: 0 });
  get('runtimeinfo', () => ({
    startTime: new Date(startTimeMs).toISOString(),
    CWD: process.cwd(),
    hostname: process.env.HOSTNAME ?? '',
    serverTime: new Date(deps.clock()).toISOString(),
    reloadConfigSuccess: deps.reloadConfigSuccess?.() ?? true,
    lastConfigTime: new Date(deps.lastConfigTimeMs?.() ?? startTimeMs).toISOString(),
    corruptionCount: 0,
    // Go runtime fields keep their names so existing UIs find them; the values describe Node.
    goroutineCount: 1,
    GOMAXPROCS: availableParallelism(),
    GOMEMLIMIT: 0,
    GOGC: '',
    GODEBUG: '',
    storageRetention: deps.storageRetention ?? '',
  }));

  router.get(
    '/api/v1/status/tsdb',
    endpoint((req): ApiOutcome => {
      const text = formValues(req).get('limit') ?? '';
      let limit = 10;
      if (text !== '') {
        limit = Number(text);
        if (!/^\d+$/.test(text) || limit <= 0) return err(invalidParam('limit', 'limit must be a positive number'));
      }
      const s = deps.tsdbStatus ? deps.tsdbStatus(limit) : computeTsdbStatus(deps.queryable, limit);
      // Only Prometheus' fields, each list cut to `limit`, whatever else the store reports.
      const cut = (l: readonly NameCount[]) => l.slice(0, limit).map((e) => ({ name: e.name, value: e.value }));
      const h = s.headStats;
      return ok({
        data: {
          headStats: {
            numSeries: h.numSeries,
            numLabelPairs: h.numLabelPairs,
            chunkCount: h.chunkCount,
            minTime: h.minTime,
            maxTime: h.maxTime,
          },
          seriesCountByMetricName: cut(s.seriesCountByMetricName),
          labelValueCountByLabelName: cut(s.labelValueCountByLabelName),
          memoryInBytesByLabelName: cut(s.memoryInBytesByLabelName),
          seriesCountByLabelValuePair: cut(s.seriesCountByLabelValuePair),
        },
      });
    }),
  );
}

/** Cardinality statistics by walking every series' labels (no samples are read). */
export function computeTsdbStatus(queryable: Queryable, limit: number): TsdbStatus {
  const querier = queryable.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const byMetric = new Map<string, number>();
  const byPair = new Map<string, number>();
  const valuesByName = new Map<string, Set<string>>();
  let numSeries = 0;
  for (const s of querier.select([{ type: '=~', name: '__name__', value: '.+' }])) {
    numSeries++;
    for (const [name, value] of Object.entries(s.labels)) {
      if (name === '__name__') byMetric.set(value, (byMetric.get(value) ?? 0) + 1);
      const pair = `${name}=${value}`;
      byPair.set(pair, (byPair.get(pair) ?? 0) + 1);
      let set = valuesByName.get(name);
      if (!set) valuesByName.set(name, (set = new Set()));
      set.add(value);
    }
  }
  const top = (m: Map<string, number>): NameCount[] =>
    [...m.entries()]
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1))
      .slice(0, limit);
  const memory = new Map<string, number>();
  for (const [name, set] of valuesByName) {
    let bytes = 0;
    for (const v of set) bytes += Buffer.byteLength(v);
    memory.set(name, bytes);
  }
  return {
    headStats: { numSeries, numLabelPairs: byPair.size, chunkCount: 0, minTime: null, maxTime: null },
    seriesCountByMetricName: top(byMetric),
    labelValueCountByLabelName: top(new Map([...valuesByName].map(([k, v]) => [k, v.size]))),
    memoryInBytesByLabelName: top(memory),
    seriesCountByLabelValuePair: top(byPair),
  };
}
