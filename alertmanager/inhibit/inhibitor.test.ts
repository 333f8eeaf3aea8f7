import { describe, expect, it } from 'vitest';
import { normalizeAlert, type StoredAlert } from '../alerts/index.js';
import { loadConfigText } from '../config/index.js';
import { Inhibitor } from './inhibitor.js';

function inhibitor(rules: string, alerts: StoredAlert[]): Inhibitor {
  const loaded = loadConfigText(
    '/x/am.yml',
    `route: { receiver: r }\nreceivers: [{ name: r }]\ninhibit_rules:\n${rules}`,
  );
  if (!loaded.ok) throw loaded.error;
  return new Inhibitor(loaded.value.config.inhibit_rules, () => alerts);
}
const NOW = 1_000_000;
const firing = (labels: Record<string, string>) => normalizeAlert({ labels }, NOW, 300_000);
const resolved = (labels: Record<string, string>) =>
  normalizeAlert({ labels, startsAt: NOW - 10, endsAt: NOW - 1 }, NOW, 300_000);

describe('Inhibitor', () => {
  const rule = `  - source_match: { severity: critical }\n    target_match_re: { severity: 'warning|info' }\n    equal: [cluster, zone]\n`;

  it('inhibits targets whose equal labels match a firing source, counting absent as equal', () => {
    const src = firing({ alertname: 'Down', severity: 'critical', cluster: 'c1' });
    const i = inhibitor(rule, [src]);
    expect(i.inhibitedBy({ alertname: 'Slow', severity: 'warning', cluster: 'c1' }, NOW)).toEqual([src.fingerprint]);
    expect(i.mutes({ alertname: 'Slow', severity: 'info', cluster: 'c1', zone: 'z' }, NOW)).toBe(false);
    expect(i.mutes({ alertname: 'Slow', severity: 'warning', cluster: 'c2' }, NOW)).toBe(false);
    expect(i.mutes({ alertname: 'Slow', severity: 'critical', cluster: 'c1' }, NOW)).toBe(false);
  });

  it('ignores resolved sources', () => {
    const i = inhibitor(rule, [resolved({ severity: 'critical', cluster: 'c1' })]);
    expect(i.mutes({ severity: 'warning', cluster: 'c1' }, NOW)).toBe(false);
  });

  it('does not let alerts matching both sides inhibit each other', () => {
    const both = `  - source_matchers: [team="db"]\n    target_matchers: [team="db"]\n`;
    const a = firing({ alertname: 'A', team: 'db' });
    const b = firing({ alertname: 'B', team: 'db' });
    const i = inhibitor(both, [a, b]);
    expect(i.mutes(a.labels, NOW)).toBe(false);
    expect(i.mutes(b.labels, NOW)).toBe(false);
  });
});
