/**
 * Loads rule files, runs their groups on schedule and reloads them on demand
 * (SIGHUP or a change on disk). A reload that fails keeps the rules that were
 * running, as Prometheus does; a reload that succeeds carries alert state over.
 */
import { glob, readFile } from 'node:fs/promises';
import type { Logger } from '../log/index.js';
import { err, ok, type Result } from '../result.js';
import type { Appendable, Labels, Queryable } from '../tsdb/index.js';
import type { AlertSink } from './alert.js';
import { AlertingRule } from './alerting-rule.js';
import { RuleGroup } from './group.js';
import { parseRuleFile, type NameValidation } from './rule-file.js';
import type { RuleQueryFn } from './rule-query.js';
import type { RuleFile } from './rule-types.js';

export interface RulerOptions {
  /** Rule files or globs (`rules/*.yaml`). */
  readonly files: readonly string[];
  readonly evaluationIntervalMs: number;
  readonly queryOffsetMs?: number;
  readonly query: RuleQueryFn;
  readonly appendable: Appendable;
  readonly queryable: Queryable;
  readonly sink: AlertSink;
  readonly externalLabels?: Labels;
  readonly externalUrl?: string;
  /** Prometheus' --rules.alert.resend-delay, default 1m. */
  readonly resendDelayMs?: number;
  /** Prometheus' --rules.alert.for-outage-tolerance, default 1h. */
  readonly outageToleranceMs?: number;
  readonly nameValidation?: NameValidation;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export class Ruler {
  private groups: RuleGroup[] = [];
  private runs = new Map<RuleGroup, AbortController>();
  private signal: AbortSignal | undefined;
  lastReloadSuccessful = true;
  lastReloadMs = 0;

  constructor(readonly options: RulerOptions) {}

  ruleGroups(): readonly RuleGroup[] {
    return this.groups;
  }

  /** Loads (or reloads) every file; on any error nothing changes and the errors come back. */
  async load(): Promise<Result<{ groups: number; rules: number }, string[]>> {
    const files = await expandGlobs(this.options.files);
    const parsed: RuleFile[] = [];
    const errors: string[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = await readFile(f, 'utf8');
      } catch (e) {
        errors.push(`${f}: cannot read rule file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        continue;
      }
      const r = parseRuleFile(f, text, { nameValidation: this.options.nameValidation ?? 'utf8' });
      if (r.ok) parsed.push(r.value);
      else errors.push(...r.error);
    }
    this.lastReloadMs = (this.options.clock ?? Date.now)();
    if (errors.length > 0) {
      this.lastReloadSuccessful = false;
      return err(errors);
    }
    const next = parsed.flatMap((file) => file.groups).map((spec) => new RuleGroup({
      spec,
      intervalMs: spec.intervalMs ?? this.options.evaluationIntervalMs,
      queryOffsetMs: spec.queryOffsetMs ?? this.options.queryOffsetMs ?? 0,
      query: this.options.query,
      appendable: this.options.appendable,
      queryable: this.options.queryable,
      sink: this.options.sink,
      externalLabels: this.options.externalLabels ?? {},
      externalUrl: this.options.externalUrl ?? '',
      resendDelayMs: this.options.resendDelayMs ?? 60_000,
      outageToleranceMs: this.options.outageToleranceMs ?? 3_600_000,
      logger: this.options.logger.child({ component: 'ruler' }),
    }));
    copyState(this.groups, next);
    for (const g of this.groups) this.runs.get(g)?.abort();
    this.runs.clear();
    this.groups = next;
    this.lastReloadSuccessful = true;
    if (this.signal) for (const g of next) this.startGroup(g, this.signal);
    return ok({ groups: next.length, rules: next.reduce((n, g) => n + g.rules.length, 0) });
  }

  /** Runs every group until `signal` aborts. */
  run(signal: AbortSignal): void {
    this.signal = signal;
    for (const g of this.groups) this.startGroup(g, signal);
  }

  private startGroup(group: RuleGroup, parent: AbortSignal): void {
    const controller = new AbortController();
    parent.addEventListener('abort', () => controller.abort(), { once: true });
    this.runs.set(group, controller);
    void runGroup(group, controller.signal, this.options.clock ?? Date.now, this.options.logger);
  }
}

async function runGroup(group: RuleGroup, signal: AbortSignal, clock: () => number, logger: Logger): Promise<void> {
  const interval = group.options.intervalMs;
  let next = group.evalTimestamp(clock()) + interval;
  while (!signal.aborted) {
    const wait = next - clock();
    if (wait > 0 && (await sleep(wait, signal))) return;
    const now = clock();
    // Skip iterations missed while a slow evaluation ran, as Prometheus does.
    const missed = Math.floor((now - next) / interval);
    if (missed > 0) {
      logger.warn('rule group evaluation missed iterations', { group: group.name, missed });
      next += missed * interval;
    }
    await group.evaluate(next).catch((e: unknown) => logger.error('rule group evaluation failed', { group: group.name, error: String(e) }));
    next += interval;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Alert state survives a reload for groups and rules that are still there (Prometheus' CopyState). */
function copyState(from: readonly RuleGroup[], to: readonly RuleGroup[]): void {
  for (const g of to) {
    const old = from.find((o) => o.name === g.name && o.file === g.file);
    if (!old) continue;
    g.rules.forEach((rule) => {
      const previous = old.rules.find((r) => r.name === rule.name && r.kind === rule.kind && r.spec.expr === rule.spec.expr);
      if (previous instanceof AlertingRule && rule instanceof AlertingRule) rule.adoptState(previous);
    });
  }
}

async function expandGlobs(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (!/[*?[]/.test(p)) {
      out.push(p);
      continue;
    }
    const matched: string[] = [];
    for await (const f of glob(p)) matched.push(f);
    out.push(...matched.sort());
  }
  return [...new Set(out)];
}
