/**
 * Panel builders: a title, a unit and PromQL in; a panel with Grafana's
 * defaults for its type out. Position and id are left to the layout.
 */
import type { DataSourceRef, Json, JsonObject, Panel, PrometheusTarget, Unit } from './model.js';

/** Every panel reads from the dashboard's `datasource` variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface QuerySpec {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{namespace}}/{{pod}}`; a table's column name. */
  readonly legend?: string;
  /** A table column's unit when it differs from the panel's. */
  readonly unit?: Unit;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly QuerySpec[];
  /** Width in grid columns (of 24); default 12. */
  readonly w?: number;
  /** Height in grid rows; default 8. */
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  /** Colour steps (amber, red) for values that mean trouble. */
  readonly warnAt?: readonly [number, number];
}

/** A panel before the layout gives it an id and a place. */
export type PanelDraft = Omit<Panel, 'id' | 'gridPos'> & { readonly w: number; readonly h: number };

function thresholds(spec: PanelSpec): JsonObject {
  const steps: JsonObject[] = [{ color: 'green', value: null }];
  if (spec.warnAt) steps.push({ color: 'orange', value: spec.warnAt[0] }, { color: 'red', value: spec.warnAt[1] });
  return { mode: 'absolute', steps };
}

function defaults(spec: PanelSpec, extra: JsonObject = {}): JsonObject {
  const out: Record<string, Json> = { unit: spec.unit, thresholds: thresholds(spec), ...extra };
  if (spec.min !== undefined) out.min = spec.min;
  if (spec.max !== undefined) out.max = spec.max;
  return out;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Range queries draw over time; instant ones (stat, table, bargauge) read the last value only. */
function targets(spec: PanelSpec, mode: 'range' | 'instant', format: 'time_series' | 'table'): PrometheusTarget[] {
  return spec.queries.map((q, i) => ({
    refId: REF_IDS[i] ?? `Q${i}`,
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: mode === 'range',
    instant: mode === 'instant',
    format,
    editorMode: 'code',
  }));
}

const reduceLast: JsonObject = { calcs: ['lastNotNull'], fields: '', values: false };

function draft(
  spec: PanelSpec,
  rest: Omit<PanelDraft, 'title' | 'description' | 'datasource' | 'w' | 'h'>,
): PanelDraft {
  return {
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    w: spec.w ?? 12,
    h: spec.h ?? 8,
    ...rest,
  };
}

export function timeseries(spec: PanelSpec): PanelDraft {
  return draft(spec, {
    type: 'timeseries',
    targets: targets(spec, 'range', 'time_series'),
    fieldConfig: {
      defaults: defaults(spec, {
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: 'none', group: 'A' },
        },
      }),
      overrides: [],
    },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  });
}

export function stat(spec: PanelSpec): PanelDraft {
  return draft(spec, {
    type: 'stat',
    targets: targets(spec, 'instant', 'time_series'),
    fieldConfig: { defaults: defaults(spec, { color: { mode: 'thresholds' } }), overrides: [] },
    options: {
      reduceOptions: reduceLast,
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
  });
}

/** Horizontal bars, one per series: the shape of a "top N" list. */
export function barGauge(spec: PanelSpec): PanelDraft {
  return draft(spec, {
    type: 'bargauge',
    targets: targets(spec, 'instant', 'time_series'),
    fieldConfig: { defaults: defaults(spec, { color: { mode: 'thresholds' } }), overrides: [] },
    options: {
      reduceOptions: reduceLast,
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
    },
  });
}

/**
 * One row per label set; with several queries their values become columns
 * (Grafana's merge joins rows on equal labels, so give every query the same
 * `by (...)`). Column names are the queries' legends.
 */
export function table(spec: PanelSpec): PanelDraft {
  const valueNames: Record<string, string> = {};
  spec.queries.forEach((q, i) => {
    const key = spec.queries.length === 1 ? 'Value' : `Value #${REF_IDS[i] ?? `Q${i}`}`;
    valueNames[key] = q.legend ?? 'Value';
  });
  return draft(spec, {
    type: 'table',
    targets: targets(spec, 'instant', 'table'),
    fieldConfig: {
      defaults: defaults(spec, { custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true } }),
      overrides: spec.queries.flatMap((q) =>
        q.unit && q.legend
          ? [{ matcher: { id: 'byName', options: q.legend }, properties: [{ id: 'unit', value: q.unit }] }]
          : [],
      ),
    },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
    transformations: [
      ...(spec.queries.length > 1 ? [{ id: 'merge', options: {} }] : []),
      { id: 'organize', options: { excludeByName: { Time: true, __name__: true }, renameByName: valueNames } },
    ],
  });
}
