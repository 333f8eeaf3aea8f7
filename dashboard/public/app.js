// kubepulse dashboard. Reads only the Prometheus HTTP API (/api/v1/query_range)
// and writes text with textContent, never innerHTML: label values come from the
// cluster and must never be interpreted as markup.
'use strict';

const COLORS = ['#2e90fa', '#f79009', '#12b76a', '#ee46bc', '#7a5af8', '#f04438', '#06aed4', '#667085', '#84cc16', '#e11d48'];

/** Rate windows must hold several samples: at least 4 collection intervals and 1 minute. */
function rateWindow(scrapeIntervalMs) {
  return `${Math.max(60, Math.ceil((4 * scrapeIntervalMs) / 1000))}s`;
}

function panels(w) {
  return [
    {
      id: 'cpu',
      title: 'CPU usage',
      hint: 'cores busy, by mode (node_cpu_seconds_total)',
      unit: 'cores',
      stacked: true,
      queries: [{ expr: `sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[${w}]))`, legend: (m) => m.mode ?? 'cpu' }],
      now: {
        expr: `1 - avg(rate(node_cpu_seconds_total{mode="idle"}[${w}]))`,
        format: (v) => `${(v * 100).toFixed(1)} % busy`,
      },
    },
    {
      id: 'memory',
      title: 'Memory',
      hint: 'used = MemTotal − MemAvailable (node_memory_*_bytes)',
      unit: 'bytes',
      queries: [
        { expr: 'node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes', legend: () => 'used' },
        { expr: 'node_memory_MemTotal_bytes', legend: () => 'total' },
      ],
      now: {
        expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
        format: (v) => `${(v * 100).toFixed(1)} % used`,
      },
    },
    {
      id: 'load',
      title: 'Load average',
      hint: 'runnable + uninterruptible tasks (node_load1/5/15)',
      unit: '',
      queries: [
        { expr: 'node_load1', legend: () => '1m' },
        { expr: 'node_load5', legend: () => '5m' },
        { expr: 'node_load15', legend: () => '15m' },
      ],
    },
    {
      id: 'containers-cpu',
      title: 'Top containers by CPU',
      hint: 'cores used (container_cpu_usage_seconds_total)',
      unit: 'cores',
      queries: [
        {
          expr: `topk(5, sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!=""}[${w}])))`,
          legend: containerLegend,
        },
      ],
    },
    {
      id: 'containers-memory',
      title: 'Top containers by memory',
      hint: 'working set (container_memory_working_set_bytes)',
      unit: 'bytes',
      queries: [
        {
          expr: 'topk(5, sum by (namespace, pod, container) (container_memory_working_set_bytes{container!=""}))',
          legend: containerLegend,
        },
      ],
    },
    {
      id: 'containers-throttling',
      title: 'CPU throttling',
      hint: 'share of CFS periods throttled, containers with a CPU limit',
      unit: 'ratio',
      queries: [
        {
          expr: `topk(5, sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total[${w}])) / sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total[${w}])))`,
          legend: containerLegend,
        },
      ],
    },
    {
      id: 'pressure',
      title: 'Pressure stall (PSI)',
      hint: 'share of time tasks waited for a resource (node_pressure_*)',
      unit: 'ratio',
      queries: [
        { expr: `rate(node_pressure_cpu_waiting_seconds_total[${w}])`, legend: () => 'cpu some' },
        { expr: `rate(node_pressure_memory_waiting_seconds_total[${w}])`, legend: () => 'memory some' },
        { expr: `rate(node_pressure_io_waiting_seconds_total[${w}])`, legend: () => 'io some' },
      ],
    },
  ];
}

function containerLegend(m) {
  return m.namespace === 'host' ? m.container : `${m.namespace}/${m.pod}/${m.container}`;
}

function formatValue(v, unit) {
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
  }
  if (unit === 'ratio') return `${(v * 100).toFixed(1)} %`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

async function api(path, params) {
  const res = await fetch(`${path}?${new URLSearchParams(params)}`, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }));
  if (body.status !== 'success') throw new Error(`${body.errorType ?? 'error'}: ${body.error ?? res.statusText}`);
  return body.data;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function buildPanel(spec) {
  const card = el('section', 'panel');
  card.dataset.panel = spec.id;
  card.append(el('h2', '', spec.title), el('div', 'now', '–'), el('div', 'hint', spec.hint));
  const box = el('div', 'chart');
  const canvas = el('canvas');
  canvas.setAttribute('aria-label', spec.title);
  box.append(canvas);
  const empty = el('div', 'empty', 'waiting for data…');
  card.append(box, empty);
  const chart = new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5, tension: 0 } },
      scales: {
        x: { type: 'linear', ticks: { callback: (v) => formatTime(v), maxTicksLimit: 6 } },
        y: { beginAtZero: true, stacked: Boolean(spec.stacked), ticks: { callback: (v) => formatValue(v, spec.unit) } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 10 } },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? formatTime(items[0].parsed.x) : ''),
            label: (item) => `${item.dataset.label}: ${formatValue(item.parsed.y, spec.unit)}`,
          },
        },
      },
    },
  });
  return { spec, card, chart, now: card.querySelector('.now'), empty };
}

async function refreshPanel(panel, startMs, endMs, stepMs) {
  const { spec, chart } = panel;
  const params = (expr) => ({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
  const results = await Promise.all(spec.queries.map((q) => api('/api/v1/query_range', params(q.expr))));
  const datasets = [];
  results.forEach((data, qi) => {
    for (const series of data.result) {
      const color = COLORS[datasets.length % COLORS.length];
      datasets.push({
        label: spec.queries[qi].legend(series.metric),
        data: series.values.map(([t, v]) => ({ x: t * 1000, y: Number(v) })),
        borderColor: color,
        backgroundColor: spec.stacked ? `${color}55` : color,
        fill: spec.stacked ? (datasets.length === 0 ? 'origin' : '-1') : false,
      });
    }
  });
  datasets.sort((a, b) => String(a.label).localeCompare(String(b.label)));
  chart.data.datasets = datasets;
  chart.options.scales.x.min = startMs;
  chart.options.scales.x.max = endMs;
  chart.update('none');
  const points = datasets.reduce((n, d) => n + d.data.length, 0);
  panel.empty.hidden = points > 0;
  panel.card.dataset.points = String(points);
  if (spec.now) {
    const data = await api('/api/v1/query', { query: spec.now.expr, time: String(endMs / 1000) });
    const first = data.result[0];
    panel.now.textContent = first ? spec.now.format(Number(first.value[1])) : '–';
  } else {
    const last = datasets[0]?.data.at(-1);
    panel.now.textContent = last ? formatValue(last.y, spec.unit) : '–';
  }
}

/** Firing and pending alerts from /api/v1/alerts, newest first, as a table of text nodes. */
async function refreshAlerts(box) {
  const data = await api('/api/v1/alerts', {});
  const rows = data.alerts
    .filter((a) => a.state !== 'inactive')
    .sort((a, b) => String(b.activeAt).localeCompare(String(a.activeAt)));
  const body = box.querySelector('tbody');
  body.replaceChildren(
    ...rows.map((a) => {
      const tr = el('tr', a.state);
      const where = Object.entries(a.labels)
        .filter(([k]) => k !== 'alertname' && k !== 'severity')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      tr.append(
        el('td', '', a.labels.alertname ?? ''),
        el('td', '', a.labels.severity ?? ''),
        el('td', '', a.state),
        el('td', '', a.annotations?.summary ?? where),
        el('td', '', a.activeAt ? formatTime(Date.parse(a.activeAt)) : ''),
      );
      return tr;
    }),
  );
  box.querySelector('.empty').hidden = rows.length > 0;
  box.dataset.alerts = String(rows.length);
}

function buildAlertsBox() {
  const box = el('section', 'panel alerts');
  box.dataset.panel = 'alerts';
  const table = el('table');
  const head = el('tr');
  for (const h of ['alert', 'severity', 'state', 'summary', 'since']) head.append(el('th', '', h));
  table.append(el('thead'), el('tbody'));
  table.querySelector('thead').append(head);
  box.append(el('h2', '', 'Alerts'), table, el('div', 'empty', 'no alerts are pending or firing'));
  return box;
}

async function main() {
  const settings = await fetch('/dashboard/settings.json').then((r) => r.json());
  const grid = document.getElementById('panels');
  const alertsBox = buildAlertsBox();
  grid.before(alertsBox);
  api('/api/v1/query', { query: 'node_uname_info' })
    .then((d) => {
      document.getElementById('instance').textContent = d.result[0]?.metric.nodename ?? '';
    })
    .catch(() => undefined);
  const status = document.getElementById('status');
  const errorBox = document.getElementById('error');
  const rangeSelect = document.getElementById('range');
  const built = panels(rateWindow(settings.scrapeIntervalMs)).map(buildPanel);
  grid.append(...built.map((p) => p.card));
  const refreshMs = Math.max(2000, Math.min(settings.scrapeIntervalMs, 15000));

  const refresh = async () => {
    const rangeMs = Number(rangeSelect.value);
    const endMs = Date.now();
    const stepMs = Math.max(1000, Math.round(rangeMs / 300 / 1000) * 1000, settings.scrapeIntervalMs);
    const outcomes = await Promise.allSettled([
      ...built.map((p) => refreshPanel(p, endMs - rangeMs, endMs, stepMs)),
      refreshAlerts(alertsBox),
    ]);
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason?.message ?? o.reason));
    errorBox.hidden = failed.length === 0;
    errorBox.textContent = failed.join('\n');
    status.textContent = `updated ${formatTime(endMs)}`;
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  };
  rangeSelect.addEventListener('change', () => void refresh());
  await refresh();
  setInterval(() => void refresh(), refreshMs);
}

main().catch((e) => {
  const box = document.getElementById('error');
  box.hidden = false;
  box.textContent = `dashboard failed to start: ${e.message}`;
});
