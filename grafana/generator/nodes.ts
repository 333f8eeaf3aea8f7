/**
 * node-exporter's view of each machine, from the procfs source's series
 * (`instance` is the node name the collector runs on).
 */
import { buildDashboard } from './dashboard.js';
import type { GrafanaDashboard } from './model.js';
import { stat, timeseries } from './panels.js';
import { baseVariables, nodeVariable } from './variables.js';

const S = 'cluster=~"$cluster", instance=~"$instance"';
/** Filesystems that hold data, not the virtual ones every container adds. */
const FS = `${S}, fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|proc|sysfs|devtmpfs", mountpoint!=""`;
const CPUS = `count by (instance) (node_cpu_seconds_total{${S}, mode="idle"})`;

const overview = [
  stat({
    title: 'Nodes',
    description: 'Machines reporting.',
    unit: 'short',
    w: 6,
    h: 4,
    queries: [{ expr: `count(node_uname_info{${S}})` }],
  }),
  stat({
    title: 'CPUs',
    description: 'Logical CPUs of the chosen nodes.',
    unit: 'short',
    w: 6,
    h: 4,
    queries: [{ expr: `count(node_cpu_seconds_total{${S}, mode="idle"})` }],
  }),
  stat({
    title: 'Memory total',
    description: 'MemTotal of the chosen nodes.',
    unit: 'bytes',
    w: 6,
    h: 4,
    queries: [{ expr: `sum(node_memory_MemTotal_bytes{${S}})` }],
  }),
  stat({
    title: 'CPU busy',
    description: 'Busy share of all CPUs of the chosen nodes (iowait and steal count as idle).',
    unit: 'percentunit',
    w: 6,
    h: 4,
    warnAt: [0.7, 0.9],
    queries: [
      {
        expr: `1 - avg(sum without (mode) (rate(node_cpu_seconds_total{${S}, mode=~"idle|iowait|steal"}[$__rate_interval])))`,
      },
    ],
  }),
];

const cpu = [
  timeseries({
    title: 'CPU utilisation',
    description: 'Busy share of the node\u2019s CPUs (iowait and steal count as idle).',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      {
        expr: `1 - avg by (instance) (sum without (mode) (rate(node_cpu_seconds_total{${S}, mode=~"idle|iowait|steal"}[$__rate_interval])))`,
        legend: '{{instance}}',
      },
    ],
  }),
  timeseries({
    title: 'CPU by mode',
    description: 'Share of the node\u2019s CPUs per mode, idle left out.',
    unit: 'percentunit',
    queries: [
      {
        expr: `sum by (instance, mode) (rate(node_cpu_seconds_total{${S}, mode!="idle"}[$__rate_interval])) / on (instance) group_left () ${CPUS}`,
        legend: '{{instance}} {{mode}}',
      },
    ],
  }),
  timeseries({
    title: 'Load average',
    description: 'Runnable and uninterruptible tasks, with the CPU count for scale.',
    unit: 'short',
    w: 24,
    queries: [
      { expr: `node_load1{${S}}`, legend: '{{instance}} 1m' },
      { expr: `node_load5{${S}}`, legend: '{{instance}} 5m' },
      { expr: `node_load15{${S}}`, legend: '{{instance}} 15m' },
      { expr: CPUS, legend: '{{instance}} CPUs' },
    ],
  }),
];

const memory = [
  timeseries({
    title: 'Memory utilisation',
    description: '1 - MemAvailable / MemTotal.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      { expr: `1 - node_memory_MemAvailable_bytes{${S}} / node_memory_MemTotal_bytes{${S}}`, legend: '{{instance}}' },
    ],
  }),
  timeseries({
    title: 'Memory',
    description: 'Total, available and in use (total - available).',
    unit: 'bytes',
    queries: [
      { expr: `node_memory_MemTotal_bytes{${S}}`, legend: '{{instance}} total' },
      { expr: `node_memory_MemAvailable_bytes{${S}}`, legend: '{{instance}} available' },
      { expr: `node_memory_MemTotal_bytes{${S}} - node_memory_MemAvailable_bytes{${S}}`, legend: '{{instance}} used' },
    ],
  }),
];

const disk = [
  timeseries({
    title: 'Filesystem space used',
    description: 'Share of each filesystem not available to unprivileged users.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    w: 8,
    queries: [
      {
        expr: `1 - node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}}`,
        legend: '{{instance}} {{mountpoint}}',
      },
    ],
  }),
  timeseries({
    title: 'Disk IO utilisation',
    description: 'Share of time each disk had IO in flight.',
    unit: 'percentunit',
    min: 0,
    w: 8,
    queries: [
      {
        expr: `rate(node_disk_io_time_seconds_total{${S}}[$__rate_interval])`,
        legend: '{{instance}} {{device}}',
      },
    ],
  }),
  timeseries({
    title: 'Disk throughput',
    description: 'Bytes read and written per second.',
    unit: 'Bps',
    w: 8,
    queries: [
      { expr: `rate(node_disk_read_bytes_total{${S}}[$__rate_interval])`, legend: '{{instance}} {{device}} read' },
      {
        expr: `rate(node_disk_written_bytes_total{${S}}[$__rate_interval])`,
        legend: '{{instance}} {{device}} written',
      },
    ],
  }),
];

const network = [
  timeseries({
    title: 'Network received',
    description: 'Bytes received per second per interface (loopback left out).',
    unit: 'Bps',
    w: 8,
    queries: [
      {
        expr: `rate(node_network_receive_bytes_total{${S}, device!="lo"}[$__rate_interval])`,
        legend: '{{instance}} {{device}}',
      },
    ],
  }),
  timeseries({
    title: 'Network transmitted',
    description: 'Bytes sent per second per interface (loopback left out).',
    unit: 'Bps',
    w: 8,
    queries: [
      {
        expr: `rate(node_network_transmit_bytes_total{${S}, device!="lo"}[$__rate_interval])`,
        legend: '{{instance}} {{device}}',
      },
    ],
  }),
  timeseries({
    title: 'Network receive drops',
    description: 'Packets dropped on receive per second.',
    unit: 'short',
    w: 8,
    queries: [
      {
        expr: `rate(node_network_receive_drop_total{${S}, device!="lo"}[$__rate_interval])`,
        legend: '{{instance}} {{device}}',
      },
    ],
  }),
];

const pressure = [
  timeseries({
    title: 'Pressure stall information',
    description: 'Share of time some task waited for CPU, memory or IO (/proc/pressure).',
    unit: 'percentunit',
    w: 24,
    queries: (['cpu', 'memory', 'io'] as const).map((r) => ({
      expr: `rate(node_pressure_${r}_waiting_seconds_total{${S}}[$__rate_interval])`,
      legend: `{{instance}} ${r}`,
    })),
  }),
];

export function nodesDashboard(): GrafanaDashboard {
  return buildDashboard({
    uid: 'kubepulse-nodes',
    title: 'kubepulse / Nodes',
    description: 'CPU, memory, disk, network and pressure of each node (node-exporter series).',
    variables: [
      ...baseVariables(),
      nodeVariable('instance'),
    ],
    rows: [
      { title: 'Overview', panels: overview },
      { title: 'CPU', panels: cpu },
      { title: 'Memory', panels: memory },
      { title: 'Disk', panels: disk },
      { title: 'Network', panels: network },
      { title: 'Pressure', panels: pressure },
    ],
  });
}
