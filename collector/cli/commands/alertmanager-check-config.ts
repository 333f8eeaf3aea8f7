import { runCheckConfig } from '../../../alertmanager/config/index.js';
import type { Command } from '../command.js';

export const alertmanagerCheckConfigCommand: Command = {
  path: ['alertmanager', 'check-config'],
  args: 'FILE…',
  summary: 'Validate Alertmanager configuration files, with the output and exit codes of amtool check-config.',
  flags: {},
  run: (args, io) => runCheckConfig(args.positionals, io),
};
