export { generateDashboards, renderFiles, writeProvisioning, runGrafanaGenerate } from './generator/generate.js';
export {
  datasourceYaml,
  dashboardProviderYaml,
  DEFAULT_HUB_URL,
  DEFAULT_DASHBOARDS_PATH,
  type ProvisioningOptions,
} from './generator/provisioning.js';
export { expandVariables, referencedVariables, BUILTIN_VALUES } from './generator/expand-variables.js';
export { SCHEMA_VERSION } from './generator/dashboard.js';
export type {
  GrafanaDashboard,
  Panel,
  RowPanel,
  PrometheusTarget,
  TemplateVariable,
  QueryVariable,
  DataSourceVariable,
  Unit,
} from './generator/model.js';
