/**
 * The evaluator's working values. A node evaluates over the whole step grid
 * at once: an instant vector is a list of series, each with one slot per
 * step (value + presence flag), so no per-sample objects are allocated.
 */
import type { Labels } from '../../tsdb/interface.js';

/** The evaluation times of a (sub)query: start, start+interval, … ≤ end (ms). */
export interface StepGrid {
  readonly startMs: number;
  readonly endMs: number;
  readonly intervalMs: number;
  readonly steps: number;
}

export function makeGrid(startMs: number, endMs: number, intervalMs: number): StepGrid {
  const steps = endMs < startMs ? 0 : Math.floor((endMs - startMs) / intervalMs) + 1;
  return { startMs, endMs, intervalMs, steps };
}

export function stepTime(g: StepGrid, i: number): number {
  return g.startMs + i * g.intervalMs;
}

/** One series of an instant vector over the grid. */
export interface StepSeries {
  labels: Labels;
  readonly vals: Float64Array;
  /** 1 where the series has a value at that step. */
  readonly has: Uint8Array;
  /** Sample timestamps (ms) where they differ from the step time: selector output, for timestamp(). */
  ts: Float64Array | undefined;
  /** Delayed __name__ removal: drop the name when the query's result is formed. */
  dropName: boolean;
}

/** Raw samples of one series for range functions, sorted by time, stale markers removed. */
export interface RangeSeries {
  labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  dropName: boolean;
  /**
   * Aligned subqueries: each step has its own points, at [lo, hi) =
   * [stepRanges[2i], stepRanges[2i+1]), instead of a window found by time.
   */
  stepRanges?: Int32Array;
}

export type EvalValue =
  | { readonly type: 'vector'; readonly series: StepSeries[] }
  | { readonly type: 'scalar'; readonly vals: Float64Array }
  | { readonly type: 'string'; readonly value: string }
  /** A range vector with, per series, the samples of each step's window (instant queries only return it). */
  | { readonly type: 'matrix'; readonly series: RangeSeries[]; readonly windows: MatrixWindows };

/** For a matrix value: where each step's window starts and ends (ms), shared by all series. */
export interface MatrixWindows {
  readonly fromMs: Float64Array;
  readonly toMs: Float64Array;
  /** The evaluation time of each step before offset (the @ time when pinned). */
  readonly evalMs: Float64Array;
}

/*
 * Slab allocation: thousands of small typed arrays per query each cost an
 * ArrayBuffer (allocation, external-memory accounting, finalisation). Views
 * into a shared slab cost one small object. Regions are never reused, so a
 * view starts zeroed; a slab is freed by the GC once no view is left.
 */
const SLAB = 1 << 16;
let f64Slab = new Float64Array(SLAB);
let f64Used = 0;
let u8Slab = new Uint8Array(SLAB);
let u8Used = 0;

export function allocF64(n: number): Float64Array {
  if (n > SLAB / 8) return new Float64Array(n);
  if (f64Used + n > SLAB) {
    f64Slab = new Float64Array(SLAB);
    f64Used = 0;
  }
  const view = f64Slab.subarray(f64Used, f64Used + n);
  f64Used += n;
  return view;
}

export function allocU8(n: number): Uint8Array {
  if (n > SLAB / 8) return new Uint8Array(n);
  if (u8Used + n > SLAB) {
    u8Slab = new Uint8Array(SLAB);
    u8Used = 0;
  }
  const view = u8Slab.subarray(u8Used, u8Used + n);
  u8Used += n;
  return view;
}

export function newStepSeries(labels: Labels, steps: number, dropName = false): StepSeries {
  // Every series gets all fields up front, so they all share one hidden class.
  return { labels, vals: allocF64(steps), has: allocU8(steps), ts: undefined, dropName };
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Prometheus' staleness marker is the NaN with bits 0x7ff0000000000002. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f64[0] = v;
  const lo = LITTLE ? u32[0] : u32[1];
  const hi = LITTLE ? u32[1] : u32[0];
  return lo === 2 && hi === 0x7ff00000;
}

/** A canonical string key of a label set (names sorted). */
export function labelsKey(l: Labels): string {
  const names = Object.keys(l).sort();
  let k = '';
  for (const n of names) k += `${n}\xff${l[n] ?? ''}\xfe`;
  return k;
}

/** Prometheus' labels.Compare: label by label in name order, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i] ?? '';
    const y = bn[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x] ?? '';
    const yv = b[y] ?? '';
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return an.length - bn.length;
}

/** Drops the metric name, and with it the type and unit labels that describe it. */
export function withoutName(l: Labels): Labels {
  if (!('__name__' in l) && !('__type__' in l) && !('__unit__' in l)) return l;
  const { __name__: _name, __type__: _type, __unit__: _unit, ...rest } = l;
  return rest;
}

/** Labels as Prometheus prints them: {a="b", c="d"} with the name first when present. */
export function formatLabels(l: Labels): string {
  const names = Object.keys(l).sort();
  const name = l['__name__'];
  const parts = names.filter((n) => n !== '__name__').map((n) => `${n}=${JSON.stringify(l[n] ?? '')}`);
  if (name !== undefined) parts.unshift(`__name__=${JSON.stringify(name)}`);
  return `{${parts.join(', ')}}`;
}
