import type { Command } from '../command.js';

export const alertmanagerCheckConfigCommand: Command = {
  path: ['alertmanager', 'check-config'],
  args: 'FILE…',
  summary: 'Validate Alertmanager configuration files, with the output and exit codes of amtool check-config.',
  flags: {},
  async run(args, io) {
    // Loaded when the command runs: `kubepulse collector` must not pay for every other command's modules (RSS).
    const { runCheckConfig } = await import('../../../alertmanager/config/index.js');
    return runCheckConfig(args.positionals, io);
  },
};
