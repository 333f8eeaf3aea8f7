/** Rule groups and rules as a Prometheus rule file declares them. Durations in ms. */
export interface RecordingRuleSpec {
  readonly kind: 'recording';
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  /** 1-based line of the rule in its file. */
  readonly line: number;
}

export interface AlertingRuleSpec {
  readonly kind: 'alerting';
  readonly alert: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly line: number;
}

export type RuleSpec = RecordingRuleSpec | AlertingRuleSpec;

export interface RuleGroupSpec {
  readonly name: string;
  readonly file: string;
  /** Undefined: the global evaluation interval applies. */
  readonly intervalMs?: number;
  /** Undefined: the global query offset applies. */
  readonly queryOffsetMs?: number;
  /** Maximum alerts / series a rule may produce; 0 means no limit. */
  readonly limit: number;
  /** Labels added to every rule of the group (Prometheus 3.x). */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly RuleSpec[];
  readonly line: number;
}

export interface RuleFile {
  readonly file: string;
  readonly groups: readonly RuleGroupSpec[];
}

export const ruleName = (r: RuleSpec): string => (r.kind === 'recording' ? r.record : r.alert);
