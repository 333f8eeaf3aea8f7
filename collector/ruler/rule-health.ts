/** What both kinds of rule record about their last evaluation, for /api/v1/rules. */
import type { RuleEvalContext, RuleEvalResult } from './alerting-rule.js';

export abstract class EvaluatedRule {
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError: string | undefined;
  lastEvaluationMs = 0;
  evaluationSeconds = 0;

  /** Evaluates at `t` (ms) and records duration, time and health. */
  async eval(t: number, ctx: RuleEvalContext): Promise<RuleEvalResult> {
    const started = performance.now();
    const result = await this.evalInner(t, ctx);
    this.evaluationSeconds = (performance.now() - started) / 1000;
    this.lastEvaluationMs = t;
    this.health = result.error ? 'err' : 'ok';
    this.lastError = result.error;
    return result;
  }

  protected abstract evalInner(t: number, ctx: RuleEvalContext): Promise<RuleEvalResult>;
}
