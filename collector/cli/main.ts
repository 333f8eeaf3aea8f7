#!/usr/bin/env node
/**
 * The `kubepulse` binary: one entry, many subcommands. Exit codes: 0 success,
 * 1 failure at run time, 2 bad usage or configuration.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandHelp, parseCommandArgs, type Command, type CommandIo } from './command.js';
import { alertmanagerCheckConfigCommand } from './commands/alertmanager-check-config.js';
import { grafanaGenerateCommand } from './commands/grafana.js';
import { promqlTestCommand } from './commands/promql-test.js';
import { rulesCheckCommand, rulesTestCommand } from './commands/rules.js';
import { collectorCommand, hubCommand, startCommand } from './commands/roles.js';
import { VERSION } from './version.js';

export const COMMANDS: readonly Command[] = [startCommand, hubCommand, collectorCommand, promqlTestCommand, rulesCheckCommand, rulesTestCommand, alertmanagerCheckConfigCommand, grafanaGenerateCommand];

function topHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(30)} ${c.summary}`);
  return [
    'Usage: kubepulse <command> [flags]',
    '',
    'Observability and alerting for Kubernetes cluster metrics.',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'kubepulse <command> --help' for a command's flags; 'kubepulse --version' for the version.",
    '',
  ].join('\n');
}

/** The longest command whose path is a prefix of argv. */
function findCommand(argv: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of COMMANDS) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best;
}

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(topHelp());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    io.stdout(`kubepulse ${VERSION} (node ${process.version}, ${process.platform}/${process.arch})\n`);
    return 0;
  }
  const command = findCommand(argv);
  if (!command) {
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0 && (argv.length === 1 || argv[1]?.startsWith('-'))) {
      io.stdout(group.map((c) => commandHelp(c)).join('\n'));
      return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    }
    io.stderr(`kubepulse: unknown command "${argv.join(' ')}" (see 'kubepulse --help')\n`);
    return 2;
  }
  const parsed = parseCommandArgs(command, argv.slice(command.path.length));
  if (!parsed.ok) {
    io.stderr(`kubepulse: ${parsed.error}\n`);
    return 2;
  }
  if (parsed.value.flags.help === true) {
    io.stdout(commandHelp(command));
    return 0;
  }
  return command.run(parsed.value, io);
}

const invokedDirectly = ((): boolean => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const io: CommandIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`kubepulse: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
