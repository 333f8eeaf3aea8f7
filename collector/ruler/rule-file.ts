/**
 * Reads Prometheus rule files (model/rulefmt) with Prometheus' checks and
 * messages, each error naming file:line.
 *
 * @example
 * groups:
 *   - name: node
 *     interval: 30s
 *     rules:
 *       - alert: NodeMemoryHighUtilization
 *         expr: 1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes > 0.9
 *         for: 15m
 *         labels: { severity: warning }
 *         annotations: { summary: "Memory is filling up on {{ $labels.instance }}" }
 */
import { parseDuration } from '../config/duration.js';
import { parseExpr } from '../promql/index.js';
import { err, ok, type Result } from '../result.js';
import type { AlertingRuleSpec, RecordingRuleSpec, RuleFile, RuleGroupSpec, RuleSpec } from './rule-types.js';
import { checkTemplate } from './template/index.js';
import { isNullNode, mapEntries, parseYamlTree, scalarString, seqItems, type YamlTree } from './yaml-nodes.js';

export type NameValidation = 'utf8' | 'legacy';

export interface RuleFileOptions {
  /** Prometheus 3.x validates names as UTF-8; 'legacy' is the old [a-zA-Z_][a-zA-Z0-9_]* rule. */
  readonly nameValidation?: NameValidation;
}

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const GROUPS_FIELDS = ['groups'];
const GROUP_FIELDS = ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels'];
const RULE_FIELDS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

/** Parses and validates one rule file; all errors are returned, each with file:line. */
export function parseRuleFile(file: string, text: string, options: RuleFileOptions = {}): Result<RuleFile, string[]> {
  const parsed = parseYamlTree(text);
  if (!parsed.ok) return err([`${file}: ${parsed.error}`]);
  const tree = parsed.value;
  if (isNullNode(tree, tree.root)) return ok({ file, groups: [] });
  const errors: string[] = [];
  const at = (node: unknown, message: string): void => void errors.push(`${file}:${tree.lineOf(node)}: ${message}`);
  const top = mapEntries(tree, tree.root);
  if (!top) return err([`${file}:${tree.lineOf(tree.root)}: yaml: cannot unmarshal into rulefmt.RuleGroups: expected a mapping`]);
  unknownFields(tree, top, GROUPS_FIELDS, 'rulefmt.RuleGroups', at);
  const groupsNode = top.find((e) => e.key === 'groups')?.value;
  const groups: RuleGroupSpec[] = [];
  const seen = new Set<string>();
  for (const g of seqItems(tree, groupsNode) ?? []) {
    const group = parseGroup(file, tree, g, options, at);
    if (!group) continue;
    if (seen.has(group.name)) at(g, `groupname: ${JSON.stringify(group.name)} is repeated in the same file`);
    seen.add(group.name);
    groups.push(group);
  }
  if (groupsNode !== undefined && !isNullNode(tree, groupsNode) && !seqItems(tree, groupsNode)) {
    at(groupsNode, 'yaml: cannot unmarshal into []rulefmt.RuleGroup: expected a sequence');
  }
  return errors.length > 0 ? err(errors) : ok({ file, groups });
}

type At = (node: unknown, message: string) => void;

function unknownFields(tree: YamlTree, entries: { key: string; keyNode: unknown }[], known: string[], type: string, at: At): void {
  for (const e of entries) if (!known.includes(e.key)) at(e.keyNode, `field ${e.key} not found in type ${type}`);
}

function durationField(tree: YamlTree, node: unknown, field: string, at: At): number | undefined {
  if (node === undefined || isNullNode(tree, node)) return undefined;
  const text = scalarString(tree, node) ?? '';
  const ms = parseDuration(text);
  if (ms === undefined) at(node, `${field}: not a valid duration string: ${JSON.stringify(text)}`);
  return ms;
}

function stringMap(tree: YamlTree, node: unknown, what: string, at: At): Record<string, string> {
  const out: Record<string, string> = {};
  if (node === undefined || isNullNode(tree, node)) return out;
  const entries = mapEntries(tree, node);
  if (!entries) {
    at(node, `${what}: expected a mapping of strings`);
    return out;
  }
  for (const e of entries) {
    const v = scalarString(tree, e.value);
    if (v === undefined) at(e.value, `${what}.${e.key}: expected a string`);
    else out[e.key] = v;
  }
  return out;
}

function parseGroup(file: string, tree: YamlTree, node: unknown, options: RuleFileOptions, at: At): RuleGroupSpec | undefined {
  const entries = mapEntries(tree, node);
  if (!entries) {
    at(node, 'yaml: cannot unmarshal into rulefmt.RuleGroup: expected a mapping');
    return undefined;
  }
  unknownFields(tree, entries, GROUP_FIELDS, 'rulefmt.RuleGroup', at);
  const get = (k: string): unknown => entries.find((e) => e.key === k)?.value;
  const name = scalarString(tree, get('name')) ?? '';
  if (name === '') at(node, 'Groupname must not be empty');
  const intervalMs = durationField(tree, get('interval'), 'interval', at);
  const queryOffsetMs = durationField(tree, get('query_offset'), 'query_offset', at);
  const limitText = scalarString(tree, get('limit')) ?? '0';
  const limit = limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) at(get('limit'), `limit: expected a non-negative integer, got ${JSON.stringify(limitText)}`);
  const labels = stringMap(tree, get('labels'), 'labels', at);
  checkLabels(labels, options, (m) => at(get('labels'), `group ${JSON.stringify(name)}: ${m}`));
  const rules: RuleSpec[] = [];
  (seqItems(tree, get('rules')) ?? []).forEach((r, i) => {
    const rule = parseRule(tree, r, options, (n, m) => at(n, `group ${JSON.stringify(name)}, rule ${i + 1}, ${m}`));
    if (rule) rules.push(rule);
  });
  return {
    name,
    file,
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(queryOffsetMs !== undefined ? { queryOffsetMs } : {}),
    limit: Number.isInteger(limit) ? limit : 0,
    labels,
    rules,
    line: tree.lineOf(node),
  };
}

function validLabelName(name: string, v: NameValidation): boolean {
  return v === 'legacy' ? LEGACY_LABEL.test(name) : name.length > 0 && isWellFormed(name);
}

function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

function checkLabels(labels: Record<string, string>, options: RuleFileOptions, report: (m: string) => void): void {
  const v = options.nameValidation ?? 'utf8';
  for (const [k, value] of Object.entries(labels)) {
    if (!validLabelName(k, v) || k === '__name__') report(`invalid label name: ${k}`);
    if (!isWellFormed(value)) report(`invalid label value: ${value}`);
  }
}

function parseRule(tree: YamlTree, node: unknown, options: RuleFileOptions, at: At): RuleSpec | undefined {
  const entries = mapEntries(tree, node);
  if (!entries) {
    at(node, 'yaml: cannot unmarshal into rulefmt.RuleNode: expected a mapping');
    return undefined;
  }
  const errorsBefore = { n: 0 };
  const report: At = (n, m) => {
    errorsBefore.n++;
    at(n, m);
  };
  unknownFields(tree, entries, RULE_FIELDS, 'rulefmt.RuleNode', (n, m) => report(n, `"": ${m}`));
  const get = (k: string): unknown => entries.find((e) => e.key === k)?.value;
  const record = scalarString(tree, get('record')) ?? '';
  const alert = scalarString(tree, get('alert')) ?? '';
  const expr = scalarString(tree, get('expr')) ?? '';
  const name = JSON.stringify(record || alert);
  const fail = (n: unknown, m: string): void => report(n ?? node, `${name}: ${m}`);

  if (record !== '' && alert !== '') fail(node, "only one of 'record' and 'alert' must be set");
  if (record === '' && alert === '') fail(node, "one of 'record' or 'alert' must be set");
  if (expr === '') fail(node, "field 'expr' must be set in rule");
  else {
    const parsed = parseExpr(expr, { enableExperimentalFunctions: true });
    if (!parsed.ok) fail(get('expr'), `could not parse expression: ${parsed.error.message}`);
  }
  const labels = stringMap(tree, get('labels'), 'labels', at);
  checkLabels(labels, options, (m) => fail(get('labels'), m));
  const validation = options.nameValidation ?? 'utf8';

  if (record !== '') {
    if (get('annotations') !== undefined && !isNullNode(tree, get('annotations'))) fail(get('annotations'), "invalid field 'annotations' in recording rule");
    if (get('for') !== undefined && !isNullNode(tree, get('for'))) fail(get('for'), "invalid field 'for' in recording rule");
    if (get('keep_firing_for') !== undefined && !isNullNode(tree, get('keep_firing_for'))) fail(get('keep_firing_for'), "invalid field 'keep_firing_for' in recording rule");
    if (record.includes('{') && record.includes('}')) fail(get('record'), `braces present in the recording rule name; should it be in expr?: ${record}`);
    else if (validation === 'legacy' ? !LEGACY_METRIC.test(record) : !isWellFormed(record)) fail(get('record'), `invalid recording rule name: ${record}`);
    if (errorsBefore.n > 0) return undefined;
    const spec: RecordingRuleSpec = { kind: 'recording', record, expr, labels, line: tree.lineOf(node) };
    return spec;
  }
  const annotations = stringMap(tree, get('annotations'), 'annotations', at);
  for (const k of Object.keys(annotations)) if (!validLabelName(k, validation)) fail(get('annotations'), `invalid annotation name: ${k}`);
  const forMs = durationField(tree, get('for'), 'for', (n, m) => fail(n, m)) ?? 0;
  const keepFiringForMs = durationField(tree, get('keep_firing_for'), 'keep_firing_for', (n, m) => fail(n, m)) ?? 0;
  if (alert !== '') {
    for (const [what, map] of [['label', labels], ['annotation', annotations]] as const) {
      for (const [k, text] of Object.entries(map)) {
        const t = checkTemplate(`__alert_${alert}`, text);
        if (!t.ok) fail(what === 'label' ? get('labels') : get('annotations'), `msg: ${t.error} (${what} ${k})`);
      }
    }
  }
  if (errorsBefore.n > 0) return undefined;
  const spec: AlertingRuleSpec = { kind: 'alerting', alert, expr, forMs, keepFiringForMs, labels, annotations, line: tree.lineOf(node) };
  return spec;
}
