import type { Command } from '../command.js';

export const promqlTestCommand: Command = {
  path: ['promql', 'test'],
  args: 'FILE…',
  summary: "Run Prometheus' PromQL test scripts (load/eval/clear) against kubepulse's engine.",
  description:
    'Prints passed / failed / skipped counts per file and a diff per failure; exits 1 if any eval failed.\n' +
    'Evals on native histograms are counted as skipped, never as passed. The harness matches promqltest:\n' +
    'experimental functions on, at most 10000 samples per query, a fresh in-memory store per `clear`.',
  flags: {
    'show-skipped': { type: 'boolean', help: 'Also list every skipped eval with its reason.' },
  },
  async run(args, io) {
    if (args.positionals.length === 0) {
      io.stderr("kubepulse: promql test needs at least one FILE (see 'kubepulse promql test --help')\n");
      return 2;
    }
    // Loaded when the command runs: `kubepulse collector` must not pay for every other command's modules (RSS).
    const { formatReport, runPromqlTests } = await import('../../promql/test-script/index.js');
    const report = await runPromqlTests(args.positionals);
    io.stdout(formatReport(report, { showSkipped: args.flags['show-skipped'] === true }));
    return report.exitCode;
  },
};
