/**
 * Function signatures as Prometheus' parser declares them: argument types,
 * how many extra arguments are allowed, and whether the function is
 * experimental (rejected unless the engine enables experimental functions).
 */
import type { ValueType } from './ast.js';

export interface FunctionSignature {
  readonly name: string;
  readonly argTypes: readonly ValueType[];
  /** 0: exactly argTypes; n > 0: the last n arguments are optional; -1: the last type repeats without bound. */
  readonly variadic: number;
  readonly returnType: ValueType;
  readonly experimental: boolean;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const table: [string, ValueType[], number, ValueType, boolean][] = [
  ['abs', [V], 0, V, false],
  ['absent', [V], 0, V, false],
  ['absent_over_time', [M], 0, V, false],
  ['acos', [V], 0, V, false],
  ['acosh', [V], 0, V, false],
  ['asin', [V], 0, V, false],
  ['asinh', [V], 0, V, false],
  ['atan', [V], 0, V, false],
  ['atanh', [V], 0, V, false],
  ['avg_over_time', [M], 0, V, false],
  ['ceil', [V], 0, V, false],
  ['changes', [M], 0, V, false],
  ['clamp', [V, S, S], 0, V, false],
  ['clamp_max', [V, S], 0, V, false],
  ['clamp_min', [V, S], 0, V, false],
  ['cos', [V], 0, V, false],
  ['cosh', [V], 0, V, false],
  ['count_over_time', [M], 0, V, false],
  ['days_in_month', [V], 1, V, false],
  ['day_of_month', [V], 1, V, false],
  ['day_of_week', [V], 1, V, false],
  ['day_of_year', [V], 1, V, false],
  ['deg', [V], 0, V, false],
  ['end', [], 0, S, true],
  ['delta', [M], 0, V, false],
  ['deriv', [M], 0, V, false],
  ['exp', [V], 0, V, false],
  ['first_over_time', [M], 0, V, true],
  ['floor', [V], 0, V, false],
  ['histogram_avg', [V], 0, V, false],
  ['histogram_count', [V], 0, V, false],
  ['histogram_sum', [V], 0, V, false],
  ['histogram_stddev', [V], 0, V, false],
  ['histogram_stdvar', [V], 0, V, false],
  ['histogram_fraction', [S, S, V], 0, V, false],
  ['histogram_quantile', [S, V], 0, V, false],
  ['histogram_quantiles', [V, STR, S, S], 9, V, true],
  ['double_exponential_smoothing', [M, S, S], 0, V, true],
  ['hour', [V], 1, V, false],
  ['idelta', [M], 0, V, false],
  ['increase', [M], 0, V, false],
  ['info', [V, V], 1, V, true],
  ['irate', [M], 0, V, false],
  ['label_replace', [V, STR, STR, STR, STR], 0, V, false],
  ['label_join', [V, STR, STR, STR], -1, V, false],
  ['last_over_time', [M], 0, V, false],
  ['ln', [V], 0, V, false],
  ['log10', [V], 0, V, false],
  ['log2', [V], 0, V, false],
  ['mad_over_time', [M], 0, V, true],
  ['max_over_time', [M], 0, V, false],
  ['min_over_time', [M], 0, V, false],
  ['ts_of_first_over_time', [M], 0, V, true],
  ['ts_of_max_over_time', [M], 0, V, true],
  ['ts_of_min_over_time', [M], 0, V, true],
  ['ts_of_last_over_time', [M], 0, V, true],
  ['minute', [V], 1, V, false],
  ['min_of', [S, S], 0, S, true],
  ['max_of', [S, S], 0, S, true],
  ['month', [V], 1, V, false],
  ['pi', [], 0, S, false],
  ['predict_linear', [M, S], 0, V, false],
  ['present_over_time', [M], 0, V, false],
  ['quantile_over_time', [S, M], 0, V, false],
  ['rad', [V], 0, V, false],
  ['range', [], 0, S, true],
  ['rate', [M], 0, V, false],
  ['resets', [M], 0, V, false],
  ['round', [V, S], 1, V, false],
  ['scalar', [V], 0, S, false],
  ['sgn', [V], 0, V, false],
  ['sin', [V], 0, V, false],
  ['sinh', [V], 0, V, false],
  ['sort', [V], 0, V, false],
  ['sort_desc', [V], 0, V, false],
  ['sort_by_label', [V, STR], -1, V, true],
  ['sort_by_label_desc', [V, STR], -1, V, true],
  ['sqrt', [V], 0, V, false],
  ['start', [], 0, S, true],
  ['step', [], 0, S, true],
  ['stddev_over_time', [M], 0, V, false],
  ['stdvar_over_time', [M], 0, V, false],
  ['sum_over_time', [M], 0, V, false],
  ['tan', [V], 0, V, false],
  ['tanh', [V], 0, V, false],
  ['time', [], 0, S, false],
  ['timestamp', [V], 0, V, false],
  ['vector', [S], 0, V, false],
  ['year', [V], 1, V, false],
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(
  table.map(([name, argTypes, variadic, returnType, experimental]) => [
    name,
    { name, argTypes, variadic, returnType, experimental },
  ]),
);
