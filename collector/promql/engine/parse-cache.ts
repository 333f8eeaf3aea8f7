/**
 * Parsed expressions by query text. Dashboards and rule groups send the same
 * few queries over and over, and parsing one costs as much as evaluating a
 * small selector. The syntax tree is read-only, so one tree serves every
 * evaluation. Only successful parses are kept; an error is cheap to redo.
 */
import { ok, type Result } from '../../result.js';
import type { QueryError } from '../interface.js';
import type { Expr } from '../parser/ast.js';
import { parseExpr, type ParseOptions } from '../parser/parse.js';

/** Long texts are usually one-off (generated) queries; they would only push useful entries out. */
const MAX_TEXT = 4096;

export class ParseCache {
  /** Insertion order is use order: a hit is moved to the back, the front is evicted. */
  private readonly trees = new Map<string, Expr>();

  constructor(
    private readonly options: ParseOptions,
    private readonly capacity = 256,
  ) {}

  parse(text: string): Result<Expr, QueryError> {
    const hit = this.trees.get(text);
    if (hit !== undefined) {
      this.trees.delete(text);
      this.trees.set(text, hit);
      return ok(hit);
    }
    const parsed = parseExpr(text, this.options);
    if (parsed.ok && text.length <= MAX_TEXT && this.capacity > 0) {
      if (this.trees.size >= this.capacity) this.trees.delete(this.trees.keys().next().value!);
      this.trees.set(text, parsed.value);
    }
    return parsed;
  }

  get size(): number {
    return this.trees.size;
  }
}
