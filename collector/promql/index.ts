export { createEngine, type EngineOptions } from './engine.js';
export { parseExpr, type ParseOptions } from './parser/parse.js';
export { formatExpr } from './parser/format.js';
export { typeOf } from './parser/ast.js';
export type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  DurationExpr,
  Expr,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  PosRange,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './parser/ast.js';
export {
  QueryError,
  type QueryEngine,
  type QueryErrorKind,
  type QueryOptions,
  type QueryResult,
  type QueryValue,
  type FloatPoint,
  type QueryFn,
} from './interface.js';
