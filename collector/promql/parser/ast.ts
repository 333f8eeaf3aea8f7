/**
 * The typed PromQL syntax tree: a closed union of node kinds. The parser
 * builds it from the lezer tree and checks types; the engine walks it.
 */
import type { Matcher } from '../../tsdb/interface.js';

/** Byte offsets into the query text, [start, end). */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/**
 * A duration that may depend on the query (`step()`, `range()`), as the
 * experimental duration expressions allow. Plain literals fold to `ms`.
 */
export type DurationExpr =
  | { readonly kind: 'ms'; readonly ms: number }
  | { readonly kind: 'step' }
  | { readonly kind: 'range' }
  | { readonly kind: 'neg'; readonly expr: DurationExpr }
  | {
      readonly kind: 'op';
      readonly op: '+' | '-' | '*' | '/' | '%' | '^';
      readonly lhs: DurationExpr;
      readonly rhs: DurationExpr;
    }
  | { readonly kind: 'minOf' | 'maxOf'; readonly lhs: DurationExpr; readonly rhs: DurationExpr };

/** `@ <time>` or `@ start()` / `@ end()`; a time is ms since epoch. */
export type AtModifier =
  { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' } | { readonly kind: 'end' };

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  /** The text as written (durations keep their unit) so formatExpr can echo it. */
  readonly text: string;
  readonly pos: PosRange;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: PosRange;
}

export interface VectorSelector {
  readonly kind: 'vectorSelector';
  readonly name: string | undefined;
  /** All matchers including the one the metric name implies. */
  readonly matchers: readonly Matcher[];
  readonly offset: DurationExpr | undefined;
  readonly at: AtModifier | undefined;
  /** `smoothed`/`anchored` written on an instant selector (experimental). */
  readonly mode?: 'anchored' | 'smoothed' | undefined;
  readonly pos: PosRange;
}

export interface MatrixSelector {
  readonly kind: 'matrixSelector';
  readonly vector: VectorSelector;
  readonly range: DurationExpr;
  /** Extended range selectors (experimental): `anchored` or `smoothed`. */
  readonly mode: 'anchored' | 'smoothed' | undefined;
  readonly pos: PosRange;
}

export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly range: DurationExpr;
  /** undefined: the engine's default (the query step / global evaluation interval). */
  readonly step: DurationExpr | undefined;
  readonly offset: DurationExpr | undefined;
  readonly at: AtModifier | undefined;
  /** `[range::step]` (experimental): inner steps end at each evaluation time instead of at multiples of the step. */
  readonly aligned?: boolean;
  readonly pos: PosRange;
}

export interface Call {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
  /** Whether `by`/`without` was written at all (`sum by () (x)` differs from `sum(x)` only in text). */
  readonly hasGrouping: boolean;
  readonly pos: PosRange;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Labels listed in group_left(...)/group_right(...). */
  readonly include: readonly string[];
  /** Whether on/ignoring was written (formatting only). */
  readonly explicit: boolean;
}

export interface FillValues {
  readonly lhs: number | undefined;
  readonly rhs: number | undefined;
}

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  /** Present when both sides are vectors. */
  readonly matching: VectorMatching | undefined;
  readonly fill: FillValues | undefined;
  readonly pos: PosRange;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly pos: PosRange;
}

export interface ParenExpr {
  readonly kind: 'paren';
  readonly expr: Expr;
  readonly pos: PosRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

/** The type an expression evaluates to (Prometheus' Expr.Type()). */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
    case 'aggregate':
      return 'vector';
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'call':
      return returnTypeOf(e.func);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
    default: {
      const never: never = e;
      return never;
    }
  }
}

const SCALAR_FUNCS = new Set(['pi', 'scalar', 'time', 'start', 'end', 'range', 'step', 'min_of', 'max_of']);
function returnTypeOf(func: string): ValueType {
  return SCALAR_FUNCS.has(func) ? 'scalar' : 'vector';
}
