/**
 * Assembles a dashboard: rows of panel drafts flowed left to right on
 * Grafana's 24-column grid, ids in reading order.
 */
import type { GrafanaDashboard, Panel, RowPanel, TemplateVariable } from './model.js';
import type { PanelDraft } from './panels.js';

/** Grafana 10.4/11 write this schema version; older ones migrate it on load. */
export const SCHEMA_VERSION = 39;
const GRID_COLUMNS = 24;

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelDraft[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly TemplateVariable[];
  readonly rows: readonly RowSpec[];
}

function layout(rows: readonly RowSpec[]): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const { w, h, ...panel } of row.panels) {
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      out.push({ ...panel, id: id++, gridPos: { h, w, x, y } });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return out;
}

export function buildDashboard(spec: DashboardSpec): GrafanaDashboard {
  return {
    id: null,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['kubepulse'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    // The other kubepulse dashboards, keeping time range and variables.
    links: [
      {
        type: 'dashboards',
        title: 'kubepulse',
        tags: ['kubepulse'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: { list: spec.variables },
    panels: layout(spec.rows),
  };
}
