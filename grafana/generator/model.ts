/**
 * The part of Grafana's dashboard JSON model (schemaVersion 39) the generator
 * writes. Only what we emit is typed; Grafana fills in the rest on import.
 */

/** Plain JSON, for panel options and field config that Grafana owns. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** Grafana's unit ids for the units our series carry. */
export type Unit = 'percentunit' | 'bytes' | 'Bps' | 'short' | 's';

export interface DataSourceRef {
  readonly type: 'prometheus';
  /** `${datasource}`: every panel follows the dashboard's data source variable. */
  readonly uid: string;
}

export interface PrometheusTarget {
  readonly refId: string;
  readonly datasource: DataSourceRef;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  readonly format: 'time_series' | 'table';
  readonly editorMode: 'code';
}

export interface GridPos {
  readonly h: number;
  readonly w: number;
  readonly x: number;
  readonly y: number;
}

export type PanelType = 'timeseries' | 'stat' | 'table' | 'bargauge';

export interface Panel {
  readonly id: number;
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: DataSourceRef;
  readonly targets: readonly PrometheusTarget[];
  readonly fieldConfig: { readonly defaults: JsonObject; readonly overrides: readonly Json[] };
  readonly options: JsonObject;
  readonly transformations?: readonly JsonObject[];
}

export interface RowPanel {
  readonly id: number;
  readonly type: 'row';
  readonly title: string;
  readonly collapsed: false;
  readonly gridPos: GridPos;
  readonly panels: readonly [];
}

export interface DataSourceVariable {
  readonly type: 'datasource';
  readonly name: string;
  readonly label: string;
  /** The plugin id whose instances are offered. */
  readonly query: 'prometheus';
  readonly current: JsonObject;
  readonly hide: 0;
  readonly includeAll: false;
  readonly multi: false;
  readonly options: readonly [];
  readonly refresh: 1;
  readonly regex: string;
  readonly skipUrlSync: false;
}

export interface QueryVariable {
  readonly type: 'query';
  readonly name: string;
  readonly label: string;
  readonly datasource: DataSourceRef;
  /** The query as Grafana shows it in the variable list. */
  readonly definition: string;
  /**
   * The query as text. Grafana's Prometheus variable support runs a string
   * as it is and its editor parses `label_values(selector, label)` into its
   * own form; an object with a `qryType` would also need the editor's fields.
   */
  readonly query: string;
  /** 2: refresh on time range change, so pods that came and went are offered. */
  readonly refresh: 2;
  readonly regex: string;
  readonly sort: 1;
  readonly multi: boolean;
  readonly includeAll: boolean;
  readonly allValue: string | null;
  readonly current: JsonObject;
  readonly options: readonly [];
  readonly hide: 0;
  readonly skipUrlSync: false;
}

export type TemplateVariable = DataSourceVariable | QueryVariable;

export interface GrafanaDashboard {
  readonly id: null;
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: 'browser';
  readonly editable: boolean;
  /** 1: shared crosshair across panels. */
  readonly graphTooltip: 1;
  readonly schemaVersion: number;
  readonly version: number;
  readonly fiscalYearStartMonth: 0;
  readonly liveNow: false;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timepicker: JsonObject;
  readonly annotations: { readonly list: readonly JsonObject[] };
  readonly links: readonly JsonObject[];
  readonly templating: { readonly list: readonly TemplateVariable[] };
  readonly panels: readonly (Panel | RowPanel)[];
}
