/**
 * Regression: a rule reading an earlier recording rule of its own group must
 * see that rule's output of the same evaluation (Prometheus commits per rule).
 * Before the fix the alert below fired one interval late.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runRuleTests } from '../../collector/ruler/unit-test/index.js';

it('an alert on a same-group recording rule fires at the same evaluation', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kp-regress-'));
  await writeFile(join(dir, 'p.yaml'), 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: x\n      - alert: A\n        expr: r > 0\n');
  await writeFile(
    join(dir, 'p.test.yaml'),
    [
      'rule_files: [p.yaml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      "      - series: 'x'",
      "        values: '0 0 1 1 1'",
      '    alert_rule_test:',
      '      - alertname: A',
      '        eval_time: 2m',
      '        exp_alerts:',
      '          - exp_labels: {}',
      '',
    ].join('\n'),
  );
  let out = '';
  expect(await runRuleTests([join(dir, 'p.test.yaml')], { stdout: (t) => (out += t) })).toBe(0);
  expect(out).toContain('SUCCESS');
});
