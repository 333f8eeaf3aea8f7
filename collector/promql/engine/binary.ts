/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector with
 * Prometheus' vector matching (one-to-one, group_left/group_right, set
 * operators) and its error messages for ambiguous matches.
 */
import type { Labels } from '../../tsdb/interface.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/ast.js';
import { EvalError, type EvalContext } from './context.js';
import { evaluate } from './evaluator.js';
import { mergeSameLabels } from './merge.js';
import { compareLabels, formatLabels, labelsKey, newStepSeries, type EvalValue, type StepGrid, type StepSeries } from './values.js';

const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);
const DROPS_NAME = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);

function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      // Go's math.Pow: x^0 = 1 and 1^y = 1 even for NaN.
      if (b === 0 || a === 1) return 1;
      return a ** b;
    case 'atan2':
      return Math.atan2(a, b);
    default:
      return NaN;
  }
}

function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

export function evalBinary(ctx: EvalContext, e: BinaryExpr, grid: StepGrid): EvalValue {
  const l = evaluate(ctx, e.lhs, grid);
  const r = evaluate(ctx, e.rhs, grid);
  const cmp = COMPARISON.has(e.op);
  if (l.type === 'scalar' && r.type === 'scalar') {
    const vals = new Float64Array(grid.steps);
    for (let i = 0; i < grid.steps; i++) {
      const a = l.vals[i] ?? 0;
      const b = r.vals[i] ?? 0;
      vals[i] = cmp ? (compare(e.op, a, b) ? 1 : 0) : arith(e.op, a, b);
    }
    return { type: 'scalar', vals };
  }
  if (l.type === 'vector' && r.type === 'scalar') return { type: 'vector', series: vectorScalar(e, l.series, r.vals, false) };
  if (l.type === 'scalar' && r.type === 'vector') return { type: 'vector', series: vectorScalar(e, r.series, l.vals, true) };
  if (l.type !== 'vector' || r.type !== 'vector') throw new EvalError('internal', 'binary operation on non-numeric values');
  const matching: VectorMatching = e.matching ?? { card: 'one-to-one', on: false, labels: [], include: [], explicit: false };
  if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return { type: 'vector', series: setOp(e.op, matching, l.series, r.series, grid) };
  return { type: 'vector', series: vectorVector(e, matching, l.series, r.series, grid) };
}

function vectorScalar(e: BinaryExpr, series: StepSeries[], scalar: Float64Array, swap: boolean): StepSeries[] {
  const cmp = COMPARISON.has(e.op);
  const drop = e.returnBool || DROPS_NAME.has(e.op);
  const out: StepSeries[] = [];
  for (const s of series) {
    let any = false;
    for (let i = 0; i < s.vals.length; i++) {
      if (s.has[i] !== 1) continue;
      const v = s.vals[i] ?? 0;
      const c = scalar[i] ?? 0;
      const a = swap ? c : v;
      const b = swap ? v : c;
      if (cmp) {
        const keep = compare(e.op, a, b);
        if (e.returnBool) s.vals[i] = keep ? 1 : 0;
        else if (!keep) s.has[i] = 0;
      } else {
        s.vals[i] = arith(e.op, a, b);
      }
      if (s.has[i] === 1) any = true;
    }
    if (!any) continue;
    if (drop) {
      s.dropName = true;
      delete s.ts;
    }
    out.push(s);
  }
  return out;
}

/** The matching signature of a label set (on: only those labels; ignoring: all but those and the name). */
function signature(l: Labels, m: VectorMatching): string {
  if (m.on) {
    let k = '';
    for (const n of [...m.labels].sort()) k += `${n}\xff${l[n] ?? ''}\xfe`;
    return k;
  }
  const names = Object.keys(l)
    .filter((n) => n !== '__name__' && !m.labels.includes(n))
    .sort();
  let k = '';
  for (const n of names) k += `${n}\xff${l[n] ?? ''}\xfe`;
  return k;
}

function matchLabels(l: Labels, m: VectorMatching): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l)) {
    const listed = m.labels.includes(k);
    if (m.on ? listed : !listed && k !== '__name__') out[k] = v;
  }
  return out;
}

function setOp(op: 'and' | 'or' | 'unless', m: VectorMatching, lhs: StepSeries[], rhs: StepSeries[], grid: StepGrid): StepSeries[] {
  const lSig = lhs.map((s) => signature(s.labels, m));
  const rSig = rhs.map((s) => signature(s.labels, m));
  const sigs = new Set<string>();
  for (let i = 0; i < grid.steps; i++) {
    sigs.clear();
    if (op === 'or') {
      lhs.forEach((s, k) => {
        if (s.has[i] === 1) sigs.add(lSig[k] ?? '');
      });
      rhs.forEach((s, k) => {
        if (s.has[i] === 1 && sigs.has(rSig[k] ?? '')) s.has[i] = 0;
      });
      continue;
    }
    rhs.forEach((s, k) => {
      if (s.has[i] === 1) sigs.add(rSig[k] ?? '');
    });
    lhs.forEach((s, k) => {
      if (s.has[i] !== 1) return;
      const found = sigs.has(lSig[k] ?? '');
      if (op === 'and' ? !found : found) s.has[i] = 0;
    });
  }
  const kept = (op === 'or' ? [...lhs, ...rhs] : lhs).filter((s) => s.has.some((h) => h === 1));
  return mergeSameLabels(kept);
}

function resultLabels(ls: Labels, rs: Labels, m: VectorMatching): Labels {
  let out: Record<string, string> = { ...ls };
  if (m.card === 'one-to-one') {
    if (m.on) {
      const kept: Record<string, string> = {};
      for (const n of m.labels) if (out[n] !== undefined) kept[n] = out[n];
      out = kept;
    } else {
      for (const n of m.labels) delete out[n];
    }
  }
  for (const n of m.include) {
    const v = rs[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}

function vectorVector(e: BinaryExpr, m: VectorMatching, lhsIn: StepSeries[], rhsIn: StepSeries[], grid: StepGrid): StepSeries[] {
  const oneToMany = m.card === 'one-to-many';
  // The "one" side is always looked up by signature; for group_right it is the left operand.
  const many = oneToMany ? rhsIn : lhsIn;
  const one = oneToMany ? lhsIn : rhsIn;
  const manySig = many.map((s) => signature(s.labels, m));
  const oneSig = one.map((s) => signature(s.labels, m));
  const cmp = COMPARISON.has(e.op);
  const drop = e.returnBool || DROPS_NAME.has(e.op);
  const outByPair = new Map<number, { s: StepSeries; key: string }>();
  const oneBySig = new Map<string, number>();
  const matched = new Map<string, Set<string> | null>();
  // Fill modifiers (experimental): fill_left stands in for a missing
  // "many"/left side, fill_right for a missing "one"/right side.
  const fillMany = e.fill?.lhs;
  const fillOne = e.fill?.rhs;
  const filledOne = new Map<number, StepSeries>();
  const filledMany = new Map<number, StepSeries>();
  const manySigs = new Set<string>();
  const emit = (value: number, a: number, b: number, target: () => StepSeries, i: number): void => {
    let v = value;
    if (cmp) {
      const keep = compare(e.op, a, b);
      if (!e.returnBool && !keep) return;
      v = e.returnBool ? (keep ? 1 : 0) : a;
    }
    const o = target();
    o.vals[i] = v;
    o.has[i] = 1;
  };
  for (let i = 0; i < grid.steps; i++) {
    oneBySig.clear();
    matched.clear();
    manySigs.clear();
    for (let k = 0; k < one.length; k++) {
      const s = one[k] as StepSeries;
      if (s.has[i] !== 1) continue;
      const sig = oneSig[k] ?? '';
      const prev = oneBySig.get(sig);
      if (prev !== undefined) {
        const pair = [s.labels, (one[prev] as StepSeries).labels].sort(compareLabels);
        throw new EvalError(
          'execution',
          `found duplicate series for the match group ${formatLabels(matchLabels(s.labels, m))} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${pair.map(formatLabels).join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneBySig.set(sig, k);
    }
    for (let k = 0; k < many.length; k++) {
      const ms = many[k] as StepSeries;
      if (ms.has[i] !== 1) continue;
      const sig = manySig[k] ?? '';
      manySigs.add(sig);
      const j = oneBySig.get(sig);
      if (j === undefined) {
        if (fillOne !== undefined) {
          const a = oneToMany ? fillOne : (ms.vals[i] ?? 0);
          const b = oneToMany ? (ms.vals[i] ?? 0) : fillOne;
          const target = (): StepSeries => {
            let o = filledOne.get(k);
            if (o === undefined) {
              o = newStepSeries(resultLabels(ms.labels, {}, m), grid.steps, drop || ms.dropName);
              filledOne.set(k, o);
            }
            return o;
          };
          emit(cmp ? a : arith(e.op, a, b), a, b, target, i);
        }
        continue;
      }
      const os = one[j] as StepSeries;
      const ls = oneToMany ? os : ms;
      const rs = oneToMany ? ms : os;
      const a = ls.vals[i] ?? 0;
      const b = rs.vals[i] ?? 0;
      let value: number;
      let keep = true;
      if (cmp) {
        keep = compare(e.op, a, b);
        value = e.returnBool ? (keep ? 1 : 0) : a;
        if (e.returnBool) keep = true;
      } else {
        value = arith(e.op, a, b);
      }
      const pairKey = k * one.length + j;
      let out = outByPair.get(pairKey);
      if (out === undefined) {
        const labels = resultLabels(ms.labels, os.labels, m);
        out = { s: newStepSeries(labels, grid.steps, drop || ms.dropName), key: labelsKey(labels) };
        outByPair.set(pairKey, out);
      }
      const seen = matched.get(sig);
      if (m.card === 'one-to-one') {
        if (seen !== undefined) throw new EvalError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matched.set(sig, null);
      } else {
        const set = seen ?? new Set<string>();
        if (set.has(out.key)) throw new EvalError('execution', 'multiple matches for matching labels: grouping labels must ensure unique matches');
        set.add(out.key);
        matched.set(sig, set);
      }
      // Ambiguity is an error even for pairs a comparison then filters out.
      if (!keep) continue;
      out.s.vals[i] = value;
      out.s.has[i] = 1;
    }
    if (fillMany !== undefined) {
      for (const [sig, j] of oneBySig) {
        if (manySigs.has(sig)) continue;
        const os = one[j] as StepSeries;
        const a = oneToMany ? (os.vals[i] ?? 0) : fillMany;
        const b = oneToMany ? fillMany : (os.vals[i] ?? 0);
        const target = (): StepSeries => {
          let o = filledMany.get(j);
          if (o === undefined) {
            o = newStepSeries(resultLabels(matchLabels(os.labels, m), os.labels, m), grid.steps, false);
            filledMany.set(j, o);
          }
          return o;
        };
        emit(cmp ? a : arith(e.op, a, b), a, b, target, i);
      }
    }
  }
  return mergeSameLabels([...[...outByPair.values()].map((o) => o.s), ...filledOne.values(), ...filledMany.values()]);
}
