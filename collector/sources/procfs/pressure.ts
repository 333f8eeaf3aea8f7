/**
 * /proc/pressure/{cpu,memory,io} (pressure stall information, Linux 4.20+) →
 * node_pressure_* (node-exporter's `pressure` collector). `some` is time in
 * which at least one task waited, `full` time in which all non-idle tasks were
 * stalled; the kernel counts both in microseconds.
 */
import type { MetricMeta } from '../source.js';
import type { CollectionBuilder } from './collection-builder.js';
import { counter } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

export const PRESSURE_RESOURCES = ['cpu', 'memory', 'io'] as const;
export type PressureResource = (typeof PRESSURE_RESOURCES)[number];

const METAS: Record<PressureResource, { readonly some?: MetricMeta; readonly full?: MetricMeta }> = {
  // cpu has a `full` line since Linux 5.13, always 0 at the system level; node-exporter does not export it.
  cpu: {
    some: counter(
      'node_pressure_cpu_waiting_seconds_total',
      'Total time in seconds that processes have waited for CPU time',
    ),
  },
  memory: {
    some: counter(
      'node_pressure_memory_waiting_seconds_total',
      'Total time in seconds that processes have waited for memory',
    ),
    full: counter(
      'node_pressure_memory_stalled_seconds_total',
      'Total time in seconds no process could make progress due to memory congestion',
    ),
  },
  io: {
    some: counter(
      'node_pressure_io_waiting_seconds_total',
      'Total time in seconds that processes have waited due to IO congestion',
    ),
    full: counter(
      'node_pressure_io_stalled_seconds_total',
      'Total time in seconds no process could make progress due to IO congestion',
    ),
  },
};

export function emitPressure(resource: PressureResource, text: string, file: string, out: CollectionBuilder): void {
  const wanted = METAS[resource];
  const found = new Set<string>();
  for (const { no, text: line } of numberedLines(text)) {
    const [kind, ...pairs] = fields(line);
    const total = pairs.find((p) => p.startsWith('total='));
    const micros = parseNumber(total?.slice('total='.length));
    if ((kind !== 'some' && kind !== 'full') || micros === undefined) {
      out.problem(`${file}:${no}`, `expected "some|full avg10=… avg60=… avg300=… total=<µs>", got ${quote(line)}`);
      continue;
    }
    found.add(kind);
    const meta = wanted[kind];
    if (meta) out.add(meta, {}, micros / 1e6);
  }
  const missing = (['some', 'full'] as const).filter((k) => wanted[k] !== undefined && !found.has(k));
  if (missing.length > 0) out.problem(file, `no valid "${missing.join('", "')}" line (file truncated?)`);
}
