/**
 * The pack is written for the series kubepulse's sources produce. A rule on a
 * name no source writes would never fire and no unit test would notice (the
 * tests feed the names the rules expect), so this checks each name against
 * the sources: node_* against a live procfs collection of this machine plus
 * the procfs source's text, container_* and kube_* against their sources'
 * text, where every family is declared by its literal name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../collector/ruler/index.js';
import { createProcfsSource } from '../collector/sources/procfs/index.js';

const rulesDir = import.meta.dirname;
const sourcesDir = path.resolve(rulesDir, '../collector/sources');

/**
 * cAdvisor's network families, which the cgroup source is still gaining
 * (read from the pod's network namespace); the service-level recording rules
 * already use them. Drop a name here once the source writes it.
 */
const PENDING = new Set(['container_network_receive_bytes_total', 'container_network_transmit_bytes_total']);

/** Metric names the rule files use in expressions and in template queries. */
function referencedNames(): Set<string> {
  const names = new Set<string>();
  const files = readdirSync(rulesDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'));
  for (const f of files) {
    const r = parseRuleFile(f, readFileSync(path.join(rulesDir, f), 'utf8'));
    if (!r.ok) throw new Error(r.error.join('\n'));
    for (const g of r.value.groups)
      for (const rule of g.rules) {
        const texts = [rule.expr, ...(rule.kind === 'alerting' ? Object.values(rule.annotations) : [])];
        // Not a part of a recording rule's level:name:operation name.
        for (const t of texts)
          for (const m of t.matchAll(/(?<![:\w])(?:node|container|kube|kubepulse)_\w+(?![:\w])/g)) names.add(m[0]);
      }
  }
  return names;
}

function sourceText(folder: string): string {
  const dir = path.join(sourcesDir, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

const declared = (text: string, name: string): boolean => text.includes(`'${name}'`) || text.includes(`"${name}"`);

describe('series the rules use', () => {
  const names = [...referencedNames()].sort();

  it('finds the names it checks', () => {
    for (const prefix of ['node_', 'container_', 'kube_', 'kubepulse_'])
      expect(
        names.some((n) => n.startsWith(prefix)),
        prefix,
      ).toBe(true);
  });

  it('node_*: written by the procfs source', async () => {
    const live = await createProcfsSource({}).collect();
    const produced = new Set(live.samples.map((s) => s.labels.__name__));
    const text = sourceText('procfs');
    const missing = names.filter((n) => n.startsWith('node_') && !produced.has(n) && !declared(text, n));
    expect(missing).toEqual([]);
  });

  it('container_*: declared by the cgroup source', () => {
    const text = sourceText('cgroup');
    const missing = names.filter((n) => n.startsWith('container_') && !PENDING.has(n) && !declared(text, n));
    expect(missing).toEqual([]);
  });

  it('kube_* and kubepulse_*: declared by the kube source', () => {
    const text = sourceText('kube');
    const missing = names.filter((n) => (n.startsWith('kube_') || n.startsWith('kubepulse_')) && !declared(text, n));
    expect(missing).toEqual([]);
  });
});
