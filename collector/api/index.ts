export { createApiRouter } from './api-router.js';
export type { ApiDeps } from './api-router.js';
export { ApiError, STATUS } from './api-error.js';
export type { ApiErrorKind } from './api-error.js';
export type { TsdbAdmin } from './admin-routes.js';
export type { MetadataProvider, MetricMetadata } from './series-routes.js';
export { formatAlertValue, registerRulesRoutes } from './rules-routes.js';
export type {
  ApiAlert,
  ApiAlertingRule,
  ApiDroppedTarget,
  ApiRecordingRule,
  ApiRule,
  ApiRuleGroup,
  ApiTarget,
  AlertmanagersProvider,
  AlertsProvider,
  AlertState,
  RuleHealth,
  RulesProvider,
  RulesRouteDeps,
  TargetHealth,
  TargetsProvider,
  TargetsSnapshot,
} from './rules-routes.js';
export { computeTsdbStatus } from './status-routes.js';
export type { BuildInfo, NameCount, TsdbStatus, WalReplayStatus } from './status-routes.js';
export type { WriteAuth } from './write-auth.js';
export { encodeQueryValue, formatSampleValue, formatTimestamp } from './json-format.js';
export { parseTime, parseDurationParam } from './params.js';
export { parseSeriesSelector } from './series-selector.js';
