/**
 * The routing tree, as Alertmanager's dispatcher walks it. Each node inherits
 * its parent's options (receiver, group_by, timers) unless it sets its own;
 * an alert goes down every matching child until one without `continue`
 * matches, and a node none of whose children match is itself the match.
 */
import type { RouteConfig } from '../config/index.js';
import {
  compareMatchers,
  matchersFromLegacy,
  matchersToString,
  matchesAll,
  type LabelSet,
  type Matcher,
} from '../labels/index.js';

/** Options a route node applies to the alerts it matches; timers in milliseconds. */
export interface RouteOpts {
  readonly receiver: string;
  /** Label names alerts are grouped by; ignored when groupByAll. */
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  /** Not inherited: each node names its own, as in Alertmanager. */
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
}

export interface Route {
  readonly opts: RouteOpts;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly routes: readonly Route[];
  readonly parent: Route | undefined;
  /** Not unique in general: parent key + '/' + matchers (Alertmanager's Route.Key). */
  readonly key: string;
  /** Unique: like key, plus each node's index among its siblings (Route.ID). */
  readonly id: string;
}

/** Alertmanager's DefaultRouteOpts. */
export const DEFAULT_ROUTE_OPTS: RouteOpts = {
  receiver: '',
  groupBy: [],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
};

function buildRoute(cr: RouteConfig, parent: Route | undefined, index: number): Route {
  const base = parent?.opts ?? DEFAULT_ROUTE_OPTS;
  const groupBy = cr.group_by === undefined ? undefined : cr.group_by.filter((l) => l !== '...');
  const opts: RouteOpts = {
    receiver: cr.receiver || base.receiver,
    groupBy: groupBy ?? base.groupBy,
    groupByAll: cr.group_by === undefined ? base.groupByAll : cr.group_by.includes('...'),
    groupWaitMs: cr.group_wait ?? base.groupWaitMs,
    groupIntervalMs: cr.group_interval ?? base.groupIntervalMs,
    repeatIntervalMs: cr.repeat_interval ?? base.repeatIntervalMs,
    muteTimeIntervals: cr.mute_time_intervals ?? [],
    activeTimeIntervals: cr.active_time_intervals ?? [],
  };
  const legacy = matchersFromLegacy(cr.match, cr.match_re);
  // The loader has compiled every match_re already; a failure here is a bug.
  if (!legacy.ok) throw new Error(`route matcher failed after validation: ${legacy.error}`);
  const matchers = [...legacy.value, ...(cr.matchers ?? [])].sort(compareMatchers);
  const m = matchersToString(matchers);
  const key = parent ? `${parent.key}/${m}` : m;
  const id = parent ? `${parent.id}/${m}/${index}` : m;
  const routes: Route[] = [];
  const route: Route = { opts, matchers, continue: cr.continue ?? false, routes, parent, key, id };
  (cr.routes ?? []).forEach((c, i) => routes.push(buildRoute(c, route, i)));
  return route;
}

/** Builds the tree from a validated config's `route:`. */
export function buildRouteTree(root: RouteConfig): Route {
  return buildRoute(root, undefined, 0);
}

/** The routes an alert with `labels` ends up at, in tree order (Alertmanager's Route.Match). */
export function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    all.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  return all.length === 0 ? [route] : all;
}

/** What `amtool config routes test` prints: the receivers of the matching routes, in order. */
export function receiversFor(route: Route, labels: LabelSet): string[] {
  return matchRoutes(route, labels).map((r) => r.opts.receiver);
}

/** Every node, depth first (Route.Walk). */
export function* walkRoutes(route: Route): Generator<Route> {
  yield route;
  for (const c of route.routes) yield* walkRoutes(c);
}
