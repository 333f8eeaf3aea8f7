/**
 * The shape every `kubepulse` subcommand has: its flags (node:util parseArgs
 * definitions with help text), a summary for `kubepulse --help`, and run().
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { err, ok, type Result } from '../result.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly help: string;
  /** Shown in help as `--flag=<value>`. */
  readonly valueName?: string;
  readonly default?: string;
}

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface Command {
  /** Words after `kubepulse`, e.g. ['promql', 'test']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments as shown in usage, e.g. 'FILE…'. */
  readonly args?: string;
  readonly description?: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Resolves to the process exit code. Long-running commands resolve on shutdown. */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

/** Flags every command takes. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', short: 'h', help: 'Show help for this command.' },
  'log-level': { type: 'string', valueName: 'level', help: 'Log level: debug, info, warn, error (env KUBEPULSE_LOG_LEVEL).' },
  'log-format': { type: 'string', valueName: 'format', help: 'Log format: auto (JSON unless on a terminal), json, text.' },
};

export function parseCommandArgs(command: Command, argv: readonly string[]): Result<ParsedArgs, string> {
  const all = { ...COMMON_FLAGS, ...command.flags };
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(all)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return ok({ flags: values as ParsedArgs['flags'], positionals });
  } catch (cause) {
    // node:util phrases these well ("Unknown option '--fast'"); add what to do next.
    const message = cause instanceof Error ? cause.message.split('. ')[0] : String(cause);
    return err(`${message} (see 'kubepulse ${command.path.join(' ')} --help')`);
  }
}

export function commandHelp(command: Command): string {
  const usage = `Usage: kubepulse ${command.path.join(' ')} [flags]${command.args ? ' ' + command.args : ''}`;
  const rows = Object.entries({ ...command.flags, ...COMMON_FLAGS }).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? `=<${spec.valueName ?? 'value'}>` : ''}`;
    return `  ${left.padEnd(34)} ${spec.help}${spec.default ? ` (default ${spec.default})` : ''}`;
  });
  return [usage, '', command.summary, ...(command.description ? ['', command.description] : []), '', 'Flags:', ...rows, ''].join('\n');
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}
