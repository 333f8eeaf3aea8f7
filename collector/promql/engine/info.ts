/**
 * info(v, {selector}) (experimental): adds the data labels of matching info
 * series (target_info by default) to each series of v. Series join on the
 * identifying labels instance and job; among info series of one name the
 * latest sample wins; two info metrics disagreeing on a label is an error.
 */
import type { Labels, Matcher } from '../../tsdb/interface.js';
import type { Call, Expr, VectorSelector } from '../parser/ast.js';
import { matchesEmpty } from '../parser/check.js';
import { compileAnchored, fullMatch } from '../regex.js';
import { EvalError, type EvalContext } from './context.js';
import { evaluate } from './evaluator.js';
import { evalVectorSelector } from './selectors.js';
import { labelsKey, newStepSeries, type EvalValue, type StepGrid, type StepSeries } from './values.js';

const IDENTIFYING = ['instance', 'job'];

function matches(m: Matcher, value: string): boolean {
  switch (m.type) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
    case '!~': {
      const re = compileAnchored(m.value);
      const hit = re.ok && fullMatch(re.value, value);
      return m.type === '=~' ? hit : !hit;
    }
    default: {
      const never: never = m.type;
      return never;
    }
  }
}

function selectorOf(e: Expr | undefined): VectorSelector | undefined {
  let x = e;
  while (x !== undefined && x.kind === 'paren') x = x.expr;
  return x?.kind === 'vectorSelector' ? x : undefined;
}

export function evalInfo(ctx: EvalContext, e: Call, grid: StepGrid): EvalValue {
  const base = evaluate(ctx, e.args[0] as Expr, grid);
  if (base.type !== 'vector') throw new EvalError('internal', 'info() of a non-vector');
  const sel = selectorOf(e.args[1]);
  const given = sel?.matchers ?? [];
  const nameMatchers = given.filter((m) => m.name === '__name__');
  const dataMatchers = given.filter((m) => m.name !== '__name__');
  // Without a name: target_info. With only negative name matchers: any *_info metric but those.
  const positive = nameMatchers.some((m) => m.type === '=' || m.type === '=~');
  const names: Matcher[] =
    nameMatchers.length === 0
      ? [{ type: '=', name: '__name__', value: 'target_info' }]
      : positive
        ? nameMatchers
        : [{ type: '=~', name: '__name__', value: '.+_info' }, ...nameMatchers];
  const infoSel: VectorSelector = {
    kind: 'vectorSelector',
    name: undefined,
    matchers: [...names, ...dataMatchers],
    offset: undefined,
    at: undefined,
    pos: sel?.pos ?? e.pos,
  };
  const infos = evalVectorSelector(ctx, infoSel, grid);
  const dataNames = new Set(dataMatchers.map((m) => m.name));
  const mustMatch = dataMatchers.some((m) => !matchesEmpty(m));
  const out = new Map<string, StepSeries>();
  const order: StepSeries[] = [];
  for (const b of base.series) {
    const isInfo = names.every((m) => matches(m, b.labels['__name__'] ?? ''));
    const ids = IDENTIFYING.filter((l) => b.labels[l] !== undefined);
    if (isInfo || ids.length === 0) {
      order.push(b);
      continue;
    }
    const candidates = infos.filter((s) => ids.every((l) => s.labels[l] === b.labels[l]));
    for (let i = 0; i < grid.steps; i++) {
      if (b.has[i] !== 1) continue;
      const latest = new Map<string, StepSeries>();
      for (const s of candidates) {
        if (s.has[i] !== 1) continue;
        const name = s.labels['__name__'] ?? '';
        const prev = latest.get(name);
        if (prev === undefined || (s.ts?.[i] ?? 0) > (prev.ts?.[i] ?? 0)) latest.set(name, s);
      }
      if (latest.size === 0 && mustMatch) continue;
      const added: Record<string, string> = {};
      for (const s of latest.values()) {
        for (const [k, v] of Object.entries(s.labels)) {
          if (k === '__name__' || IDENTIFYING.includes(k) || b.labels[k] !== undefined) continue;
          if (dataNames.size > 0 && !dataNames.has(k)) continue;
          const seen = added[k];
          if (seen !== undefined && seen !== v)
            throw new EvalError(
              'execution',
              `conflicting label: "${k}" has values "${seen}" and "${v}" in different info metrics`,
            );
          added[k] = v;
        }
      }
      const labels: Labels = { ...b.labels, ...added };
      const key = labelsKey(labels);
      let o = out.get(key);
      if (o === undefined) {
        o = newStepSeries(labels, grid.steps, b.dropName);
        out.set(key, o);
        order.push(o);
      }
      o.vals[i] = b.vals[i] ?? 0;
      o.has[i] = 1;
    }
  }
  return { type: 'vector', series: order };
}
