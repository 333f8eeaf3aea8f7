import { readFile } from 'node:fs/promises';
import { stringFlag, type Command } from '../command.js';

export const rulesCheckCommand: Command = {
  path: ['rules', 'check'],
  args: 'FILE…',
  summary: 'Check Prometheus rule files, with the output and exit codes of promtool check rules.',
  description: 'Every error names file:line. Duplicate rules (same name, labels and expression) are reported as lint warnings.',
  flags: {
    'name-validation': { type: 'string', valueName: 'scheme', help: 'utf8 (Prometheus 3) or legacy label/metric names.', default: 'utf8' },
  },
  async run(args, io) {
    // Loaded when the command runs: `kubepulse collector` must not pay for every other command's modules (RSS).
    const { parseRuleFile, ruleName } = await import('../../ruler/index.js');
    if (args.positionals.length === 0) {
      io.stderr("kubepulse: rules check needs at least one FILE (see 'kubepulse rules check --help')\n");
      return 2;
    }
    const scheme = stringFlag(args, 'name-validation') ?? 'utf8';
    if (scheme !== 'utf8' && scheme !== 'legacy') {
      io.stderr(`kubepulse: --name-validation: expected utf8 or legacy, got ${JSON.stringify(scheme)}\n`);
      return 2;
    }
    let failed = false;
    for (const file of args.positionals) {
      io.stdout(`Checking ${file}\n`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        io.stdout(`  FAILED:\n${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n\n`);
        failed = true;
        continue;
      }
      const r = parseRuleFile(file, text, { nameValidation: scheme });
      if (!r.ok) {
        io.stdout(`  FAILED:\n${r.error.join('\n')}\n\n`);
        failed = true;
        continue;
      }
      const rules = r.value.groups.flatMap((g) => g.rules);
      io.stdout(`  SUCCESS: ${rules.length} rules found\n`);
      const seen = new Map<string, number>();
      for (const rule of rules) {
        const key = JSON.stringify([ruleName(rule), rule.expr, rule.labels]);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const dups = [...seen].filter(([, n]) => n > 1);
      if (dups.length > 0) {
        io.stdout(`Lint error: ${dups.length} duplicate rule(s) found.\n`);
        for (const [key] of dups) io.stdout(`Metric: ${(JSON.parse(key) as string[])[0]}\n`);
        io.stdout('Might cause inconsistency while recording expressions.\n');
      }
      io.stdout('\n');
    }
    return failed ? 1 : 0;
  },
};

export const rulesTestCommand: Command = {
  path: ['rules', 'test'],
  args: 'FILE…',
  summary: "Run rule unit tests in promtool's test file format (promtool test rules).",
  flags: {},
  async run(args, io) {
    if (args.positionals.length === 0) {
      io.stderr("kubepulse: rules test needs at least one FILE (see 'kubepulse rules test --help')\n");
      return 2;
    }
    const { runRuleTests } = await import('../../ruler/unit-test/index.js');
    return runRuleTests(args.positionals, io);
  },
};
