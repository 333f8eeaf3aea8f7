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
import {
  compareLabels,
  formatLabels,
  labelsKey,
  newStepSeries,
  type EvalValue,
  type StepGrid,
  type StepSeries,
} from './values.js';

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
    case '==':
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
    case 'and':
    case 'or':
    case 'unless':
      return NaN;
    default: {
      const never: never = op;
      return never;
    }
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
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
    case 'atan2':
    case 'and':
    case 'or':
    case 'unless':
      return false;
    default: {
      const never: never = op;
      return never;
    }
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
  if (l.type === 'vector' && r.type === 'scalar')
    return { type: 'vector', series: vectorScalar(e, l.series, r.vals, false) };
  if (l.type === 'scalar' && r.type === 'vector')
    return { type: 'vector', series: vectorScalar(e, r.series, l.vals, true) };
  if (l.type !== 'vector' || r.type !== 'vector')
    throw new EvalError('internal', 'binary operation on non-numeric values');
  const matching: VectorMatching = e.matching ?? {
    card: 'one-to-one',
    on: false,
    labels: [],
    include: [],
    explicit: false,
  };
  if (e.op === 'and' || e.op === 'or' || e.op === 'unless')
    return { type: 'vector', series: setOp(e.op, matching, l.series, r.series, grid) };
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
      s.ts = undefined;
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

function setOp(
  op: 'and' | 'or' | 'unless',
  m: VectorMatching,
  lhs: StepSeries[],
  rhs: StepSeries[],
  grid: StepGrid,
): StepSeries[] {
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

/** Interns signature strings as small integers so the step loop indexes typed arrays instead of maps. */
function internSignatures(
  a: StepSeries[],
  b: StepSeries[],
  m: VectorMatching,
): { aIds: Int32Array; bIds: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const idOf = (s: StepSeries): number => {
    const sig = signature(s.labels, m);
    let id = ids.get(sig);
    if (id === undefined) {
      id = ids.size;
      ids.set(sig, id);
    }
    return id;
  };
  const aIds = Int32Array.from(a, idOf);
  const bIds = Int32Array.from(b, idOf);
  return { aIds, bIds, count: ids.size };
}

function vectorVector(
  e: BinaryExpr,
  m: VectorMatching,
  lhsIn: StepSeries[],
  rhsIn: StepSeries[],
  grid: StepGrid,
): StepSeries[] {
  const oneToMany = m.card === 'one-to-many';
  // The "one" side is always looked up by signature; for group_right it is the left operand.
  const many = oneToMany ? rhsIn : lhsIn;
  const one = oneToMany ? lhsIn : rhsIn;
  const { aIds: manySig, bIds: oneSig, count: sigCount } = internSignatures(many, one, m);
  const cmp = COMPARISON.has(e.op);
  const drop = e.returnBool || DROPS_NAME.has(e.op);
  // Per signature, for the current step: the present "one" series (index+1, 0 = none),
  // whether a "many" series has it, and whether a one-to-one match was taken.
  const oneAt = new Int32Array(sigCount);
  const manySeen = new Uint8Array(sigCount);
  const matchedStep = new Int32Array(sigCount).fill(-1);
  const oneToOne = m.card === 'one-to-one';
  // Output label sets as small integers, and the last step each was produced at:
  // two matches producing the same labels in one step is an error.
  const outIds = new Map<string, number>();
  const outStep: number[] = [];
  // The output series of a (many, one) pair; the pair is usually the same at every step.
  const pairOut = new Map<number, { s: StepSeries; id: number }>();
  const lastJ = new Int32Array(many.length).fill(-1);
  const lastOut: ({ s: StepSeries; id: number } | undefined)[] = Array.from({ length: many.length }, () => undefined);
  const fillMany = e.fill?.lhs;
  const fillOne = e.fill?.rhs;
  const filledOne = new Map<number, StepSeries>();
  const filledMany = new Map<number, StepSeries>();
  const emit = (a: number, b: number, target: () => StepSeries, i: number): void => {
    let v: number;
    if (cmp) {
      const keep = compare(e.op, a, b);
      if (!e.returnBool && !keep) return;
      v = e.returnBool ? (keep ? 1 : 0) : a;
    } else {
      v = arith(e.op, a, b);
    }
    const o = target();
    o.vals[i] = v;
    o.has[i] = 1;
  };
  for (let i = 0; i < grid.steps; i++) {
    oneAt.fill(0);
    manySeen.fill(0);
    for (let k = 0; k < one.length; k++) {
      const s = one[k] as StepSeries;
      if (s.has[i] !== 1) continue;
      const sig = oneSig[k] ?? 0;
      const prev = oneAt[sig] ?? 0;
      if (prev !== 0) {
        const pair = [s.labels, (one[prev - 1] as StepSeries).labels].sort(compareLabels);
        throw new EvalError(
          'execution',
          `found duplicate series for the match group ${formatLabels(matchLabels(s.labels, m))} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${pair.map(formatLabels).join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneAt[sig] = k + 1;
    }
    for (let k = 0; k < many.length; k++) {
      const ms = many[k] as StepSeries;
      if (ms.has[i] !== 1) continue;
      const sig = manySig[k] ?? 0;
      manySeen[sig] = 1;
      const j = (oneAt[sig] ?? 0) - 1;
      if (j < 0) {
        if (fillOne !== undefined) {
          const mv = ms.vals[i] ?? 0;
          const target = (): StepSeries => {
            let o = filledOne.get(k);
            if (o === undefined) {
              o = newStepSeries(resultLabels(ms.labels, {}, m), grid.steps, drop || ms.dropName);
              filledOne.set(k, o);
            }
            return o;
          };
          if (oneToMany) emit(fillOne, mv, target, i);
          else emit(mv, fillOne, target, i);
        }
        continue;
      }
      const os = one[j] as StepSeries;
      let out = lastJ[k] === j ? lastOut[k] : undefined;
      if (out === undefined) {
        const pairKey = k * one.length + j;
        out = pairOut.get(pairKey);
        if (out === undefined) {
          const labels = resultLabels(ms.labels, os.labels, m);
          const key = labelsKey(labels);
          let id = outIds.get(key);
          if (id === undefined) {
            id = outIds.size;
            outIds.set(key, id);
            outStep.push(-1);
          }
          out = { s: newStepSeries(labels, grid.steps, drop || ms.dropName), id };
          pairOut.set(pairKey, out);
        }
        lastJ[k] = j;
        lastOut[k] = out;
      }
      // Ambiguity is an error even for pairs a comparison then filters out.
      if (oneToOne) {
        if (matchedStep[sig] === i)
          throw new EvalError(
            'execution',
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        matchedStep[sig] = i;
      } else {
        if (outStep[out.id] === i)
          throw new EvalError(
            'execution',
            'multiple matches for matching labels: grouping labels must ensure unique matches',
          );
        outStep[out.id] = i;
      }
      const a = oneToMany ? (os.vals[i] ?? 0) : (ms.vals[i] ?? 0);
      const b = oneToMany ? (ms.vals[i] ?? 0) : (os.vals[i] ?? 0);
      let value: number;
      if (cmp) {
        const keep = compare(e.op, a, b);
        if (!e.returnBool && !keep) continue;
        value = e.returnBool ? (keep ? 1 : 0) : a;
      } else {
        value = arith(e.op, a, b);
      }
      out.s.vals[i] = value;
      out.s.has[i] = 1;
    }
    if (fillMany !== undefined) {
      for (let sig = 0; sig < sigCount; sig++) {
        const j = (oneAt[sig] ?? 0) - 1;
        if (j < 0 || manySeen[sig] === 1) continue;
        const os = one[j] as StepSeries;
        const target = (): StepSeries => {
          let o = filledMany.get(j);
          if (o === undefined) {
            o = newStepSeries(resultLabels(matchLabels(os.labels, m), os.labels, m), grid.steps, false);
            filledMany.set(j, o);
          }
          return o;
        };
        if (oneToMany) emit(os.vals[i] ?? 0, fillMany, target, i);
        else emit(fillMany, os.vals[i] ?? 0, target, i);
      }
    }
  }
  return mergeSameLabels([...[...pairOut.values()].map((o) => o.s), ...filledOne.values(), ...filledMany.values()]);
}
