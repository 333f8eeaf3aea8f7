/**
 * Aggregations. Group membership depends only on labels, so each input
 * series is assigned its group once; the step loop then only accumulates
 * into per-group typed arrays.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { AggregateExpr, AggregateOp } from '../parser/ast.js';
import { isValidUtf8, quoteString } from '../parser/literals.js';
import { annotate, EvalError, type EvalContext } from './context.js';
import { evaluate } from './evaluator.js';
import { formatG } from './number-format.js';
import { kahanInc, quantileOf, type KahanCell } from './kahan.js';
import { formatFloatGo, ratioOffset } from './number-format.js';
import { labelsKey, newStepSeries, type EvalValue, type StepGrid, type StepSeries } from './values.js';

function groupLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  const out: Record<string, string> = {};
  if (without) {
    for (const [k, v] of Object.entries(l)) if (k !== '__name__' && !grouping.includes(k)) out[k] = v;
  } else {
    for (const k of grouping) {
      const v = l[k];
      if (v !== undefined && v !== '') out[k] = v;
    }
  }
  return out;
}

interface Groups {
  readonly labels: Labels[];
  /** Group index of each input series. */
  readonly of: Int32Array;
  /** Delayed name removal: a group drops its name if any member would. */
  readonly dropName: boolean[];
}

function assignGroups(series: StepSeries[], e: AggregateExpr): Groups {
  const index = new Map<string, number>();
  const labels: Labels[] = [];
  const dropName: boolean[] = [];
  const of = new Int32Array(series.length);
  // With `by`, the key is just the grouping labels' values: no object per series.
  const byNames = e.without ? undefined : [...new Set(e.grouping)].sort();
  series.forEach((s, i) => {
    // The name is still there when it is only marked for removal: grouping
    // by __name__ then splits groups that later collide, as in Prometheus.
    let key: string;
    let l: Labels | undefined;
    if (byNames !== undefined) {
      key = '';
      for (const n of byNames) key += `${s.labels[n] ?? ''}\xff`;
    } else {
      l = groupLabels(s.labels, e.grouping, true);
      key = labelsKey(l);
    }
    let g = index.get(key);
    if (g === undefined) {
      g = labels.length;
      index.set(key, g);
      labels.push(l ?? groupLabels(s.labels, e.grouping, false));
      dropName.push(false);
    }
    if (s.dropName && '__name__' in (labels[g] ?? {})) dropName[g] = true;
    of[i] = g;
  });
  return { labels, of, dropName };
}

export function evalAggregate(ctx: EvalContext, e: AggregateExpr, grid: StepGrid): EvalValue {
  let param: Float64Array | undefined;
  let label = '';
  if (e.param !== undefined) {
    const p = evaluate(ctx, e.param, grid);
    if (p.type === 'scalar') param = p.vals;
    else if (p.type === 'string') label = p.value;
  }
  const v = evaluate(ctx, e.expr, grid);
  if (v.type !== 'vector') throw new EvalError('internal', 'aggregation over a non-vector');
  const input = v.series;
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return { type: 'vector', series: selectSeries(ctx, e, input, param ?? new Float64Array(grid.steps), grid) };
    case 'count_values':
      return { type: 'vector', series: countValues(e, label, input, grid) };
    case 'quantile':
      return { type: 'vector', series: quantiles(ctx, e, input, param ?? new Float64Array(grid.steps), grid) };
    case 'sum':
    case 'avg':
    case 'count':
    case 'group':
    case 'min':
    case 'max':
    case 'stddev':
    case 'stdvar':
      return { type: 'vector', series: accumulate(e, input, grid) };
    default: {
      const never: never = e.op;
      return never;
    }
  }
}

/**
 * sum, count, group, min and max walk series by series: each series' arrays
 * are read front to back and the group's output arrays are the accumulators,
 * which is much kinder to caches than visiting every series at every step.
 */
function accumulateSimple(
  op: 'sum' | 'count' | 'group' | 'min' | 'max',
  groups: Groups,
  input: StepSeries[],
  grid: StepGrid,
): StepSeries[] {
  const out = groups.labels.map((l, g) => newStepSeries(l, grid.steps, groups.dropName[g]));
  const comps = op === 'sum' ? out.map(() => new Float64Array(grid.steps)) : [];
  const cell: KahanCell = { c: 0 };
  const steps = grid.steps;
  for (let si = 0; si < input.length; si++) {
    const s = input[si] as StepSeries;
    const g = groups.of[si] ?? 0;
    const o = out[g] as StepSeries;
    const vals = s.vals;
    const has = s.has;
    const ov = o.vals;
    const oh = o.has;
    const comp = comps[g];
    for (let i = 0; i < steps; i++) {
      if (has[i] !== 1) continue;
      const x = vals[i] ?? 0;
      if (oh[i] !== 1) {
        oh[i] = 1;
        ov[i] = op === 'count' || op === 'group' ? 1 : x;
        continue;
      }
      const cur = ov[i] ?? 0;
      if (op === 'sum' && comp !== undefined) {
        cell.c = comp[i] ?? 0;
        ov[i] = kahanInc(x, cur, cell);
        comp[i] = cell.c;
      } else if (op === 'count') ov[i] = cur + 1;
      else if (op === 'min') {
        if (cur > x || Number.isNaN(cur)) ov[i] = x;
      } else if (op === 'max') {
        if (cur < x || Number.isNaN(cur)) ov[i] = x;
      }
    }
  }
  if (op === 'sum') {
    out.forEach((o, g) => {
      const comp = comps[g];
      if (comp === undefined) return;
      for (let i = 0; i < steps; i++) {
        const v = o.vals[i] ?? 0;
        if (o.has[i] === 1 && (Number.isFinite(v) || Number.isNaN(v))) o.vals[i] = v + (comp[i] ?? 0);
      }
    });
  }
  return out.filter((o) => o.has.some((h) => h === 1));
}

function accumulate(e: AggregateExpr, input: StepSeries[], grid: StepGrid): StepSeries[] {
  const groups = assignGroups(input, e);
  if (e.op === 'sum' || e.op === 'count' || e.op === 'group' || e.op === 'min' || e.op === 'max') {
    return accumulateSimple(e.op, groups, input, grid);
  }
  // The general path below still handles every operation (it is the reference for the fast one).
  const op = e.op as AggregateOp;
  const n = groups.labels.length;
  const out = groups.labels.map((l, g) => newStepSeries(l, grid.steps, groups.dropName[g]));
  const value = new Float64Array(n);
  const mean = new Float64Array(n);
  const comp = new Float64Array(n);
  const count = new Float64Array(n);
  const incremental = new Uint8Array(n);
  const cell: KahanCell = { c: 0 };
  for (let i = 0; i < grid.steps; i++) {
    count.fill(0);
    for (let si = 0; si < input.length; si++) {
      const s = input[si] as StepSeries;
      if (s.has[i] !== 1) continue;
      const g = groups.of[si] ?? 0;
      const x = s.vals[i] ?? 0;
      if (count[g] === 0) {
        count[g] = 1;
        value[g] =
          op === 'count' || op === 'group'
            ? 1
            : op === 'stddev' || op === 'stdvar'
              ? Number.isFinite(x)
                ? 0
                : NaN
              : x;
        mean[g] = x;
        comp[g] = 0;
        incremental[g] = 0;
        continue;
      }
      const c = (count[g] = (count[g] ?? 0) + 1);
      switch (op) {
        case 'sum':
          cell.c = comp[g] ?? 0;
          value[g] = kahanInc(x, value[g] ?? 0, cell);
          comp[g] = cell.c;
          break;
        case 'avg': {
          if (incremental[g] === 0) {
            cell.c = comp[g] ?? 0;
            const next = kahanInc(x, value[g] ?? 0, cell);
            if (Number.isFinite(next) || Number.isNaN(next)) {
              value[g] = next;
              comp[g] = cell.c;
              break;
            }
            // The running sum would overflow: switch to an incremental mean.
            incremental[g] = 1;
            mean[g] = (value[g] ?? 0) / (c - 1);
            comp[g] = (comp[g] ?? 0) / (c - 1);
          }
          const q = (c - 1) / c;
          cell.c = q * (comp[g] ?? 0);
          mean[g] = kahanInc(x / c, q * (mean[g] ?? 0), cell);
          comp[g] = cell.c;
          break;
        }
        case 'count':
          value[g] = c;
          break;
        case 'group':
          break;
        case 'min':
          if ((value[g] ?? 0) > x || Number.isNaN(value[g] ?? 0)) value[g] = x;
          break;
        case 'max':
          if ((value[g] ?? 0) < x || Number.isNaN(value[g] ?? 0)) value[g] = x;
          break;
        case 'stddev':
        case 'stdvar': {
          const delta = x - (mean[g] ?? 0);
          mean[g] = (mean[g] ?? 0) + delta / c;
          value[g] = (value[g] ?? 0) + delta * (x - (mean[g] ?? 0));
          break;
        }
        case 'topk':
        case 'bottomk':
        case 'limitk':
        case 'limit_ratio':
        case 'quantile':
        case 'count_values':
          throw new EvalError('internal', `unexpected aggregation ${op}`);
        default: {
          const never: never = op;
          return never;
        }
      }
    }
    for (let g = 0; g < n; g++) {
      const c = count[g] ?? 0;
      if (c === 0) continue;
      const o = out[g] as StepSeries;
      let r = value[g] ?? 0;
      if (op === 'sum') r = Number.isFinite(r) || Number.isNaN(r) ? r + (comp[g] ?? 0) : r;
      else if (op === 'avg') r = incremental[g] === 1 ? (mean[g] ?? 0) + (comp[g] ?? 0) : r / c + (comp[g] ?? 0) / c;
      else if (op === 'stdvar') r = r / c;
      else if (op === 'stddev') r = Math.sqrt(r / c);
      o.vals[i] = r;
      o.has[i] = 1;
    }
  }
  return out.filter((o) => o.has.some((h) => h === 1));
}

function quantiles(
  ctx: EvalContext,
  e: AggregateExpr,
  input: StepSeries[],
  q: Float64Array,
  grid: StepGrid,
): StepSeries[] {
  const groups = assignGroups(input, e);
  const out = groups.labels.map((l, g) => newStepSeries(l, grid.steps, groups.dropName[g]));
  const buckets: number[][] = groups.labels.map(() => []);
  let warned = false;
  for (let i = 0; i < grid.steps; i++) {
    for (const b of buckets) b.length = 0;
    input.forEach((s, si) => {
      if (s.has[i] === 1) buckets[groups.of[si] ?? 0]?.push(s.vals[i] ?? 0);
    });
    const qi = q[i] ?? NaN;
    if (!(qi >= 0 && qi <= 1) && !warned && input.length > 0) {
      warned = true;
      annotate(ctx, 'warning', `quantile value should be between 0 and 1, got ${formatG(qi)}`, e.param?.pos ?? e.pos);
    }
    buckets.forEach((b, g) => {
      if (b.length === 0) return;
      const o = out[g] as StepSeries;
      o.vals[i] = quantileOf(qi, b);
      o.has[i] = 1;
    });
  }
  return out.filter((o) => o.has.some((h) => h === 1));
}

function countValues(e: AggregateExpr, label: string, input: StepSeries[], grid: StepGrid): StepSeries[] {
  if (label === '' || !isValidUtf8(label)) throw new EvalError('execution', `invalid label name ${quoteString(label)}`);
  const out = new Map<string, StepSeries>();
  for (let i = 0; i < grid.steps; i++) {
    for (const s of input) {
      if (s.has[i] !== 1) continue;
      const l = { ...groupLabels(s.labels, e.grouping, e.without), [label]: formatFloatGo(s.vals[i] ?? 0) };
      const key = labelsKey(l);
      let o = out.get(key);
      if (o === undefined) {
        o = newStepSeries(l, grid.steps, s.dropName && '__name__' in l);
        out.set(key, o);
      }
      o.vals[i] = o.has[i] === 1 ? (o.vals[i] ?? 0) + 1 : 1;
      o.has[i] = 1;
    }
  }
  return [...out.values()];
}

/** topk, bottomk, limitk, limit_ratio: each output series is an input series, present at the steps it was chosen. */
function selectSeries(
  ctx: EvalContext,
  e: AggregateExpr,
  input: StepSeries[],
  param: Float64Array,
  grid: StepGrid,
): StepSeries[] {
  const groups = assignGroups(input, e);
  const out = input.map((s) => newStepSeries(s.labels, grid.steps, s.dropName));
  const members: number[][] = groups.labels.map(() => []);
  let warned = false;
  for (let i = 0; i < grid.steps; i++) {
    const p = param[i] ?? NaN;
    if (e.op === 'limit_ratio') {
      if (Number.isNaN(p)) throw new EvalError('execution', 'Ratio value is NaN');
      const ratio = Math.max(-1, Math.min(1, p));
      if (ratio !== p && !warned) {
        warned = true;
        annotate(
          ctx,
          'warning',
          `ratio value should be between -1 and 1, got ${formatG(p)}, capping to ${formatG(ratio)}`,
          e.param?.pos ?? e.pos,
        );
      }
      if (ratio === 0) continue;
      input.forEach((s, si) => {
        if (s.has[i] !== 1) return;
        const off = ratioOffset(s.labels);
        const keep = ratio > 0 ? off < ratio : off >= 1 + ratio;
        if (keep) {
          (out[si] as StepSeries).vals[i] = s.vals[i] ?? 0;
          (out[si] as StepSeries).has[i] = 1;
        }
      });
      continue;
    }
    if (Number.isNaN(p)) throw new EvalError('execution', 'Parameter value is NaN');
    const k = p >= 9.2e18 ? Infinity : Math.trunc(p);
    if (k < 1) continue;
    for (const m of members) m.length = 0;
    input.forEach((s, si) => {
      if (s.has[i] === 1) members[groups.of[si] ?? 0]?.push(si);
    });
    for (const m of members) {
      let chosen = m;
      if (e.op !== 'limitk') chosen = bestK(m, k, e.op === 'topk', (si) => (input[si] as StepSeries).vals[i] ?? NaN);
      for (const si of chosen.slice(0, Number.isFinite(k) ? k : chosen.length)) {
        (out[si] as StepSeries).vals[i] = (input[si] as StepSeries).vals[i] ?? 0;
        (out[si] as StepSeries).has[i] = 1;
      }
    }
  }
  const kept = out.map((o, si) => ({ o, g: groups.of[si] ?? 0 })).filter(({ o }) => o.has.some((h) => h === 1));
  if (grid.steps === 1 && (e.op === 'topk' || e.op === 'bottomk')) {
    // An instant query returns group after group (in order of first
    // appearance), each group's selection ordered by value.
    const dir = e.op === 'topk' ? -1 : 1;
    const byValue = (x: number, y: number): number =>
      Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : dir * (x - y);
    kept.sort((a, b) => a.g - b.g || byValue(a.o.vals[0] ?? NaN, b.o.vals[0] ?? NaN));
  }
  return kept.map(({ o }) => o);
}

/** The k best members by value (largest for topk), NaN last, best first; insertion keeps it O(n·k) for small k. */
function bestK(members: number[], k: number, largest: boolean, val: (si: number) => number): number[] {
  const better = (x: number, y: number): boolean => {
    if (Number.isNaN(y)) return !Number.isNaN(x);
    if (Number.isNaN(x)) return false;
    return largest ? x > y : x < y;
  };
  const out: number[] = [];
  for (const si of members) {
    const x = val(si);
    if (out.length >= k && !better(x, val(out[out.length - 1] as number))) continue;
    let pos = out.length;
    while (pos > 0 && better(x, val(out[pos - 1] as number))) pos--;
    out.splice(pos, 0, si);
    if (out.length > k) out.pop();
  }
  return out;
}
