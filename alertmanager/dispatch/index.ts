export type { Route, RouteOpts } from './route.js';
export { buildRouteTree, matchRoutes, receiversFor, walkRoutes, DEFAULT_ROUTE_OPTS } from './route.js';
export { intervalContains, namedIntervalContains } from './time-interval.js';
export type { Clock, FlushFn, FlushRequest } from './aggr-group.js';
export { AggrGroup, compareAlerts, labelSetBefore } from './aggr-group.js';
export type { DispatcherOptions } from './dispatcher.js';
export { Dispatcher, groupLabelsFor } from './dispatcher.js';
