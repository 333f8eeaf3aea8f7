/**
 * Template variables. Multi-value variables are matched with `=~`, and "All"
 * is `.*`, which also matches a series without the label: kubepulse adds no
 * `cluster` label of its own, so `cluster=~"$cluster"` keeps single-cluster
 * data visible and only narrows once remote-write adds one.
 */
import type { DataSourceVariable, QueryVariable } from './model.js';
import { DATASOURCE } from './panels.js';

export function datasourceVariable(): DataSourceVariable {
  return {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    // The data source provisioning/datasources/kubepulse.yaml creates.
    current: { selected: true, text: 'kubepulse', value: 'kubepulse' },
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

export interface QueryVariableSpec {
  readonly name: string;
  readonly label: string;
  /** `label_values(selector, label)` */
  readonly query: string;
  readonly multi?: boolean;
}

/** A label's values as a multi-select with "All". */
export function queryVariable(spec: QueryVariableSpec): QueryVariable {
  const multi = spec.multi ?? true;
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    datasource: DATASOURCE,
    definition: spec.query,
    query: spec.query,
    refresh: 2,
    regex: '',
    sort: 1,
    multi,
    includeAll: true,
    allValue: '.*',
    // A multi-value variable holds a list; a single-value one a string.
    current: multi
      ? { selected: true, text: ['All'], value: ['$__all'] }
      : { selected: true, text: 'All', value: '$__all' },
    options: [],
    hide: 0,
    skipUrlSync: false,
  };
}

/** Every dashboard's first two: where to read from, and which cluster. */
export function baseVariables(): [DataSourceVariable, QueryVariable] {
  return [
    datasourceVariable(),
    queryVariable({ name: 'cluster', label: 'Cluster', query: 'label_values(kube_node_info, cluster)', multi: false }),
  ];
}

/** $namespace: the namespaces that have containers in the selected cluster. */
export const namespaceVariable = (): QueryVariable =>
  queryVariable({
    name: 'namespace',
    label: 'Namespace',
    query: 'label_values(container_cpu_usage_seconds_total{cluster=~"$cluster"}, namespace)',
  });

/** A node picker over node-exporter's `instance` (the node name), under the given variable name. */
export const nodeVariable = (name: string): QueryVariable =>
  queryVariable({ name, label: 'Node', query: 'label_values(node_uname_info{cluster=~"$cluster"}, instance)' });
