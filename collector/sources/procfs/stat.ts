/**
 * /proc/stat: per-CPU time (node_cpu_*) and the kernel's global counters
 * (boot time, context switches, interrupts, forks, runnable/blocked tasks),
 * named as node-exporter's `cpu` and `stat` collectors name them.
 */
import type { CollectionBuilder } from './collection-builder.js';
import { counter, gauge } from './collection-builder.js';
import { fields, numberedLines, parseNumber, quote } from './text-lines.js';

// The kernel reports CPU time in USER_HZ ticks, which is 100 on every
// architecture Linux exports to user space (sysconf(_SC_CLK_TCK)).
const USER_HZ = 100;
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
const GUEST_MODES = ['user', 'nice'] as const;
// idle and iowait can step backwards on tickless kernels; a jump back larger
// than this means the CPU was hot-unplugged and its counters restarted.
const JUMP_BACK_SECONDS = 3;

const CPU_SECONDS = counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.');
const CPU_GUEST = counter('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.');
const BOOT_TIME = gauge('node_boot_time_seconds', 'Node boot time, in unixtime.');
const CONTEXT_SWITCHES = counter('node_context_switches_total', 'Total number of context switches.');
const INTERRUPTS = counter('node_intr_total', 'Total number of interrupts serviced.');
const FORKS = counter('node_forks_total', 'Total number of forks.');
const PROCS_RUNNING = gauge('node_procs_running', 'Number of processes in runnable state.');
const PROCS_BLOCKED = gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.');

const SCALARS = {
  btime: BOOT_TIME,
  ctxt: CONTEXT_SWITCHES,
  intr: INTERRUPTS,
  processes: FORKS,
  procs_running: PROCS_RUNNING,
  procs_blocked: PROCS_BLOCKED,
} as const;
type ScalarKey = keyof typeof SCALARS;
const isScalarKey = (k: string): k is ScalarKey => Object.hasOwn(SCALARS, k);

/**
 * What the previous collection saw per CPU, so that counters never go
 * backwards (node-exporter keeps the same memory for the same reason).
 */
export type CpuHistory = Map<string, number[]>;

export function emitStat(text: string, file: string, out: CollectionBuilder, history: CpuHistory): void {
  const seen = new Set<string>();
  let recognised = false;
  for (const { no, text: line } of numberedLines(text)) {
    const [key, ...rest] = fields(line);
    if (key === undefined) continue;
    const place = `${file}:${no}`;
    if (key.startsWith('cpu')) recognised = true;
    if (/^cpu\d+$/.test(key)) {
      emitCpu(key.slice(3), rest, place, out, history);
    } else if (isScalarKey(key)) {
      // intr is followed by one count per interrupt source; the first is the total.
      const value = parseNumber(rest[0]);
      if (value === undefined) {
        out.problem(place, `${key}: expected a number, got ${quote(rest.join(' '))}`);
        continue;
      }
      seen.add(key);
      out.add(SCALARS[key], {}, value);
    }
  }
  const missing = Object.keys(SCALARS).filter((k) => !seen.has(k));
  if (missing.length === 0) return;
  if (recognised || seen.size > 0) out.problem(file, `no valid ${missing.join(', ')} line (file truncated?)`);
  else out.problem(file, `not a /proc/stat file: none of cpuN, ${missing.join(', ')} found`);
}

function emitCpu(
  cpu: string,
  rest: readonly string[],
  place: string,
  out: CollectionBuilder,
  history: CpuHistory,
): void {
  const ticks = rest.map(parseNumber);
  const bad = ticks.findIndex((t) => t === undefined);
  if (bad !== -1 || ticks.length < CPU_MODES.length) {
    const why = bad !== -1 ? `field ${bad + 2} is ${quote(rest[bad] ?? '')}` : `got ${ticks.length}`;
    out.problem(place, `cpu${cpu}: expected at least ${CPU_MODES.length} numeric fields, ${why}`);
    return;
  }
  // guest and guest_nice (fields 9 and 10) are absent on very old kernels: report 0 as node-exporter does.
  const seconds = [...ticks, 0, 0].slice(0, CPU_MODES.length + GUEST_MODES.length).map((t) => (t as number) / USER_HZ);
  const kept = monotonic(history.get(cpu), seconds);
  history.set(cpu, kept);
  CPU_MODES.forEach((mode, i) => out.add(CPU_SECONDS, { cpu, mode }, kept[i] as number));
  GUEST_MODES.forEach((mode, i) => out.add(CPU_GUEST, { cpu, mode }, kept[CPU_MODES.length + i] as number));
}

function monotonic(previous: readonly number[] | undefined, next: number[]): number[] {
  if (previous === undefined) return next;
  const idle = CPU_MODES.indexOf('idle');
  if ((previous[idle] ?? 0) - (next[idle] ?? 0) >= JUMP_BACK_SECONDS) return next;
  return next.map((v, i) => Math.max(v, previous[i] ?? v));
}
