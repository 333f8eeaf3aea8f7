/**
 * parseExpr: query text → checked AST, or a bad_data QueryError that names
 * the position (`1:18: parse error: …`).
 */
import { err, ok, type Result } from '../../result.js';
import { QueryError } from '../interface.js';
import type { Expr } from './ast.js';
import { TreeBuilder } from './build.js';
import { checkExpr } from './check.js';
import { lezerTree } from './lezer-tree.js';
import { ParseFail, toQueryError } from './parse-error.js';

export interface ParseOptions {
  /** Allows Prometheus' experimental functions and aggregations (limitk, sort_by_label, …). */
  readonly enableExperimentalFunctions?: boolean;
}

/**
 * @example parseExpr('sum by (job) (rate(http_requests_total[5m]))')
 */
export function parseExpr(text: string, options: ParseOptions = {}): Result<Expr, QueryError> {
  try {
    if (text.trim() === '') throw new ParseFail({ start: 0, end: 0 }, 'no expression found in input');
    const tree = lezerTree(text);
    const expr = new TreeBuilder(text).expr(tree);
    checkExpr(expr, { enableExperimentalFunctions: options.enableExperimentalFunctions ?? false });
    return ok(expr);
  } catch (e) {
    if (e instanceof ParseFail) return err(toQueryError(text, e));
    // A bug in the builder must not take the process down with a user's query.
    return err(new QueryError('internal', `parse failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
  }
}
