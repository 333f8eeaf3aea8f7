export type { Route, RouteOpts } from './route.js';
export { buildRouteTree, matchRoutes, receiversFor, walkRoutes, DEFAULT_ROUTE_OPTS } from './route.js';
export { intervalContains, namedIntervalContains } from './time-interval.js';
