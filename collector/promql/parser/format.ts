/**
 * formatExpr: the AST back to PromQL text in Prometheus' canonical form
 * (what /api/v1/format_query returns), e.g. `sum by (job) (rate(x[5m]))`.
 */
import type { AtModifier, DurationExpr, Expr, VectorSelector } from './ast.js';
import { formatDurationMs, quoteString } from './literals.js';

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant = '', exp = '0'] = v.toExponential().split('e');
    const n = Number(exp);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(v);
}

function formatDuration(d: DurationExpr, top = true): string {
  switch (d.kind) {
    case 'ms':
      return formatDurationMs(d.ms);
    case 'step':
      return 'step()';
    case 'range':
      return 'range()';
    case 'neg':
      return `-${formatDuration(d.expr, false)}`;
    case 'minOf':
      return `min_of(${formatDuration(d.lhs)}, ${formatDuration(d.rhs)})`;
    case 'maxOf':
      return `max_of(${formatDuration(d.lhs)}, ${formatDuration(d.rhs)})`;
    case 'op': {
      const s = `${formatDuration(d.lhs, false)} ${d.op} ${formatDuration(d.rhs, false)}`;
      return top ? s : `(${s})`;
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}

function modifiers(offset: DurationExpr | undefined, at: AtModifier | undefined): string {
  let s = '';
  if (at !== undefined) s += at.kind === 'time' ? ` @ ${(at.ms / 1000).toFixed(3)}` : ` @ ${at.kind}()`;
  if (offset !== undefined) {
    const neg = offset.kind === 'ms' && offset.ms < 0;
    // Only a single term may follow "offset" unparenthesised.
    const simple =
      offset.kind === 'ms' ||
      offset.kind === 'step' ||
      offset.kind === 'range' ||
      offset.kind === 'minOf' ||
      offset.kind === 'maxOf';
    if (neg && offset.kind === 'ms') s += ` offset -${formatDurationMs(-offset.ms)}`;
    else s += simple ? ` offset ${formatDuration(offset)}` : ` offset (${formatDuration(offset)})`;
  }
  return s;
}

function selector(vs: VectorSelector): string {
  const matchers = vs.matchers.filter(
    (m) => !(vs.name !== undefined && m.name === '__name__' && m.type === '=' && m.value === vs.name),
  );
  const name = vs.name !== undefined && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(vs.name) ? vs.name : '';
  const all = name === '' ? vs.matchers : matchers;
  const labelName = (n: string): string => (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) ? n : quoteString(n));
  const inner = all.map((m) => `${labelName(m.name)}${m.type}${quoteString(m.value)}`).join(', ');
  return name + (inner === '' && name !== '' ? '' : `{${inner}}`);
}

function labelList(labels: readonly string[]): string {
  return `(${labels.map((n) => (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) ? n : quoteString(n))).join(', ')})`;
}

/** @example formatExpr(parsed) === 'sum by (job) (rate(http_requests_total[5m]))' */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return /[a-z]$/i.test(e.text) && !/inf|nan/i.test(e.text) ? e.text : formatNumber(e.value);
    case 'string':
      return quoteString(e.value);
    case 'vectorSelector':
      return selector(e) + modifiers(e.offset, e.at) + (e.mode !== undefined ? ` ${e.mode}` : '');
    case 'matrixSelector':
      return `${selector(e.vector)}[${formatDuration(e.range)}]${modifiers(e.vector.offset, e.vector.at)}${e.mode !== undefined ? ` ${e.mode}` : ''}`;
    case 'subquery':
      return `${formatExpr(e.expr)}[${formatDuration(e.range)}${e.aligned === true ? '::' : ':'}${e.step === undefined ? '' : formatDuration(e.step)}]${modifiers(e.offset, e.at)}`;
    case 'call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      const grouping = e.hasGrouping ? ` ${e.without ? 'without' : 'by'} ${labelList(e.grouping)} ` : '';
      const args = e.param !== undefined ? `${formatExpr(e.param)}, ${formatExpr(e.expr)}` : formatExpr(e.expr);
      return `${e.op}${grouping}(${args})`;
    }
    case 'binary': {
      let mod = e.returnBool ? ' bool' : '';
      const m = e.matching;
      if (m !== undefined && (m.explicit || m.labels.length > 0)) {
        mod += ` ${m.on ? 'on' : 'ignoring'} ${labelList(m.labels)}`;
        if (m.card === 'many-to-one' || m.card === 'one-to-many') {
          mod += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'}${m.include.length > 0 ? ` ${labelList(m.include)}` : ''}`;
        }
      }
      if (e.fill !== undefined) {
        const { lhs, rhs } = e.fill;
        if (lhs !== undefined && lhs === rhs) mod += ` fill(${formatNumber(lhs)})`;
        else {
          if (lhs !== undefined) mod += ` fill_left(${formatNumber(lhs)})`;
          if (rhs !== undefined) mod += ` fill_right(${formatNumber(rhs)})`;
        }
      }
      return `${formatExpr(e.lhs)} ${e.op}${mod} ${formatExpr(e.rhs)}`;
    }
    case 'unary':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'paren':
      return `(${formatExpr(e.expr)})`;
    default: {
      const never: never = e;
      return never;
    }
  }
}
